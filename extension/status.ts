/** The status bar item: which backend the functions run on; a click opens the panel. */
import * as vscode from 'vscode';
import { backendLabel, type BackendInfo } from '../protocol';

export const SHOW_PANEL_COMMAND = 'gradlens.showPanel';

export class BackendStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('gradlens.backend', vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = 'Gradlens backend';
    this.item.command = SHOW_PANEL_COMMAND;
    this.idle();
    this.item.show();
  }

  backend(backend: BackendInfo, where: 'panel' | 'server'): void {
    this.item.text = `$(symbol-operator) ${backendLabel(backend)}`;
    const host = where === 'panel' ? 'in the Gradlens panel' : 'in the language server (the panel could not start)';
    this.item.tooltip = `Gradlens computes on ${backendLabel(backend)}, ${host}. Click to show the panel.`;
  }

  idle(): void {
    this.item.text = '$(symbol-operator) Gradlens';
    this.item.tooltip = 'Gradlens: click to show the panel';
  }

  dispose(): void {
    this.item.dispose();
  }
}
