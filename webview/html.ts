export interface PanelHtmlOptions {
  /** The webview URI of dist/webview.js. */
  readonly scriptUri: string;
  /** `webview.cspSource`: the origin the webview serves the extension's files from. */
  readonly cspSource: string;
  /** A fresh random string for each page load: only scripts carrying it run. */
  readonly nonce: string;
  /**
   * The webview URI of dist/ (with or without a trailing slash), where the runtime's .wasm binaries
   * are. NB: the runtime finds them beside the page script (also in dist/); the URI is put on
   * <body data-dist-uri="${attribute(dist)}"> as data-dist-uri for code that needs dist/ by name.
   */
  readonly distUri: string;
}

/** The element the panel is drawn into. */
export const PANEL_ROOT_ID = 'gradlens-panel';

/**
 * The panel's page. NB: the policy allows no inline script or style: the script runs by nonce,
 * styles come from constructable stylesheets (the elements' and ours), which CSP does not
 * govern; 'wasm-unsafe-eval' lets the runtime compile WebAssembly (tfjs's wasm kernels and the
 * jit's fused kernels), and connect-src lets it fetch the .wasm files. NB: connect-src names the
 * webview's resource origin rather than dist/'s path: VS Code's resource hosts are percent-encoded
 * (file%2B.vscode-resource...), which a CSP path source would not match reliably.
 */
export function panelHtml({ scriptUri, cspSource, nonce, distUri }: PanelHtmlOptions): string {
  const dist = distUri.endsWith('/') ? distUri : `${distUri}/`;
  const policy = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' 'wasm-unsafe-eval'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    `connect-src ${cspSource}`,
  ].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attribute(policy)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gradlens</title>
</head>
<body data-dist-uri="${attribute(dist)}">
<div id="${PANEL_ROOT_ID}"></div>
<script nonce="${attribute(nonce)}" src="${attribute(scriptUri)}"></script>
</body>
</html>
`;
}

function attribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
