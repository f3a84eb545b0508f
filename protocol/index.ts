/**
 * protocol: every message between the extension, the language server, the webview and the
 * execution hosts, declared once and imported by all sides.
 */
export * from './backends';
export * from './results';
export * from './evaluate';
export * from './lsp';
export * from './webview';
export * from './labels';
export * from './wire';
export * from './user_text';
export * from './number_text';
export * from './source_lines';
export * from './value_text';
export * from './notebook';
