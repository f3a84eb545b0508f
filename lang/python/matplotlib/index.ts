/**
 * `matplotlib` and `matplotlib.pyplot` as a recording shim: figures are recorded as the script
 * draws them and handed on as data (protocol/figures.ts) when shown; nothing is drawn or written here.
 *
 *   const plots = pyplotSession((ctx) => numpyModule(ctx), (figure) => shown.push(figure));
 *   run(source, { modules: { ...plots.modules } });
 *   plots.end();   // the figures still open are shown, as Jupyter shows them when a cell ends
 */
export { pyplotSession, type FigureListener, type PyplotSession } from './pyplot';
export { viewLimits } from './limits';
