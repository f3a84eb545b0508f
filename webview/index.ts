/**
 * webview: the panel UI and the GPU execution host that run inside VS Code's webview. This index
 * is what the extension imports: the panel's HTML only, plain strings, so that importing it pulls
 * in none of the runtime. The page itself is bundled from main.ts into dist/webview.js.
 */
export { panelHtml, type PanelHtmlOptions } from './html';
