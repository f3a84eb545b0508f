/**
 * What the extension holds while it is active, in one object made by `activate` and disposed by
 * `deactivate` (as rust-analyzer's Ctx): the language client, restarted when a setting it was
 * started with changes, and the output channel its log goes to.
 */
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { createClient } from './client';
import { readConfig } from './config';

export class Ctx {
  private client: LanguageClient | undefined;

  constructor(private readonly context: vscode.ExtensionContext, readonly log: vscode.LogOutputChannel) {}

  /** The client while the server runs; what needs the server fails with a message when it does not. */
  get running(): LanguageClient {
    if (!this.client) throw new Error('the Gradlens language server is not running');
    return this.client;
  }

  /** The client, or undefined while none runs (a restart in progress, or after deactivation). */
  get clientIfRunning(): LanguageClient | undefined {
    return this.client;
  }

  /** Starts the language server with the settings as they are now, stopping the one running. */
  async startClient(): Promise<void> {
    await this.stopClient();
    const client = createClient(this.context, readConfig(), this.log);
    this.client = client;
    await client.start();
  }

  async dispose(): Promise<void> {
    await this.stopClient();
  }

  private async stopClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.stop();
  }
}
