import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium, driven by playwright-core (never a downloaded browser); WebGPU there is SwiftShader. */
const CHROMIUM = process.env.GRADLENS_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--enable-unsafe-webgpu',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

/** Headless Chromium with WebGPU on, as the webgpu and webview suites both run it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}
