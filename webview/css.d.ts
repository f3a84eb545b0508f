/** A stylesheet's text, as esbuild's text loader gives it (the panel adopts it as a constructable stylesheet). */
declare module '*.css' {
  const text: string;
  export default text;
}
