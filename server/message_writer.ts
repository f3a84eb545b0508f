/**
 * The server's messages to an editor over stdio: each message one write, its header and body
 * together, its body ASCII JSON (a character past ASCII as a `\u` escape, as JSON allows). An answer
 * that comes with its JSON already (withJson: the CodeLens answer, lenses.ts) is not encoded again.
 * vscode-jsonrpc's writer makes two writes a message, and one lens title's `∇` made its 900-lens
 * answer a two-byte string that Buffer re-encodes to UTF-8 (2.5 ms a keystroke here, against 0.5 ms
 * for the ASCII one).
 */
import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-languageserver/node';

const JSON_TEXT = Symbol('json');

/** `value`, marked with its JSON text (ASCII): a message holding it as its result is written with that text. */
export function withJson<T extends object>(value: T, json: string): T {
  return Object.defineProperty(value, JSON_TEXT, { value: json });
}

const NON_ASCII = /[\u007f-\uffff]/g;

/**
 * JSON.stringify's text with every character past ASCII escaped, as a one-byte string (a string
 * sliced from a two-byte one is two-byte whatever it holds): joined with others it stays one-byte,
 * and a Buffer copies it as it is.
 */
export function asciiJson(value: unknown): string {
  const json = JSON.stringify(value).replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return Buffer.from(json, 'latin1').toString('latin1');
}

function messageJson(message: Message): string {
  const result = (message as { result?: unknown }).result;
  const json = result !== null && typeof result === 'object' ? (result as { [JSON_TEXT]?: string })[JSON_TEXT] : undefined;
  if (json === undefined) return asciiJson(message);
  const { result: _, ...rest } = message as Message & { result: unknown };
  return `${asciiJson(rest).slice(0, -1)},"result":${json}}`;
}

export class StdioMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private errors = 0;

  constructor(private readonly output: NodeJS.WritableStream) {
    super();
    output.on('error', (e: Error) => this.fireError(e));
    output.on('close', () => this.fireClose());
  }

  write(message: Message): Promise<void> {
    let body: string;
    try {
      body = messageJson(message);
    } catch (e) {
      this.fireError(e, message, ++this.errors);
      return Promise.reject(e);
    }
    // NB: the body is ASCII: its length is its byte count.
    const frame = `Content-Length: ${body.length}\r\n\r\n${body}`;
    return new Promise((resolve, reject) => {
      this.output.write(Buffer.from(frame, 'latin1'), (e?: Error | null) => {
        if (!e) return resolve();
        this.fireError(e, message, ++this.errors);
        reject(e);
      });
    });
  }

  end(): void {
    this.output.end();
  }
}
