/** Where in the user's source an op was made (1-based lines and columns): eager nodes and jaxpr equations carry it. */
export interface SourceSpan {
  readonly file?: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}
