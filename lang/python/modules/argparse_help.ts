/**
 * argparse's HelpFormatter, as CPython 3.11 lays out `usage:` and `-h`: the usage line wrapped
 * in parts, each section's arguments with their help at column 24 at most, help texts wrapped by
 * textwrap and `%(default)s`-style fields filled in. Gradlens has no terminal: the width is what
 * CPython uses without one (80 columns, less 2).
 */
import { binary, dictKey, getattrOrUndefined, type HostContext, iterate, PyDict, type PyValue } from '../interpreter';
import { type Action, SUPPRESS } from './argparse_action';
import { WRAP_DEFAULTS, wrapText } from './textwrap';

/** shutil.get_terminal_size()'s fallback of 80 columns, less argparse's 2. */
const WIDTH = 78;
const MAX_HELP_POSITION = 24;
const INDENT_STEP = 2;

/** The formatter_class a parser was given: the help text kept as written, or defaults added. */
export type FormatterKind = 'HelpFormatter' | 'RawDescriptionHelpFormatter' | 'RawTextHelpFormatter' | 'ArgumentDefaultsHelpFormatter';

/** A titled group of arguments, as `-h` prints it (`positional arguments:`, `options:`, add_argument_group's). */
export interface HelpSection {
  readonly title: string | null;
  readonly description: string | null;
  readonly actions: readonly Action[];
}

/** A mutually exclusive group: its actions print as `[--a | --b]` (`(--a | --b)` when required). */
export interface ExclusiveGroup {
  readonly required: boolean;
  readonly actions: readonly Action[];
}

export interface HelpSource {
  readonly prog: string;
  readonly usage: string | null;
  readonly description: string | null;
  readonly epilog: string | null;
  readonly formatter: FormatterKind;
  readonly actions: readonly Action[];
  readonly sections: readonly HelpSection[];
  readonly exclusive: readonly ExclusiveGroup[];
}

const pad = (n: number) => ' '.repeat(Math.max(0, n));

function metavarParts(action: Action, fallback: string, count: number, ctx: HostContext): string[] {
  let result: PyValue = fallback;
  if (action.metavar !== null) result = action.metavar;
  else if (action.choices !== null) result = `{${[...iterate(action.choices, ctx)].map((c) => ctx.str(c)).join(',')}}`;
  if (typeof result === 'string') return Array<string>(count).fill(result);
  return [...iterate(result, ctx)].map((m) => ctx.str(m));
}

function defaultMetavar(action: Action): string {
  return action.isPositional ? action.dest : action.dest.toUpperCase();
}

/** `_format_args`: `N`, `[N]`, `[N ...]`, `N [N ...]`, or the metavar n times. */
export function formatArgs(action: Action, ctx: HostContext): string {
  const m = (n: number) => metavarParts(action, defaultMetavar(action), n, ctx);
  const { nargs } = action;
  if (nargs === null) return m(1)[0]!;
  if (nargs === '?') return `[${m(1)[0]}]`;
  if (nargs === '*') {
    const parts = m(1);
    return parts.length === 2 ? `[${parts[0]} [${parts[1]} ...]]` : `[${parts[0]} ...]`;
  }
  if (nargs === '+') {
    const [a, b] = m(2);
    return `${a} [${b} ...]`;
  }
  return m(nargs).join(' ');
}

/** `_format_action_invocation`: `-b N, --batch-size N`, `-h, --help`, a positional's metavar. */
function invocation(action: Action, ctx: HostContext): string {
  if (action.isPositional) return metavarParts(action, defaultMetavar(action), 1, ctx)[0]!;
  if (action.nargs === 0) return action.optionStrings.join(', ');
  const args = formatArgs(action, ctx);
  return action.optionStrings.map((o) => `${o} ${args}`).join(', ');
}

/** `_format_actions_usage`: each argument as usage shows it, the groups bracketed and joined by `|`. */
function actionsUsage(actions: readonly Action[], groups: readonly ExclusiveGroup[], ctx: HostContext): string {
  const grouped = new Set<Action>();
  const inserts = new Map<number, string>();
  const add = (i: number, s: string) => inserts.set(i, inserts.has(i) ? `${inserts.get(i)} ${s}` : s);
  for (const group of groups) {
    const start = actions.indexOf(group.actions[0]!);
    if (start < 0) continue;
    const end = start + group.actions.length;
    if (!group.actions.every((a, i) => actions[start + i] === a)) continue;
    for (const a of group.actions) grouped.add(a);
    add(start, group.required ? '(' : '[');
    if (inserts.has(end)) inserts.set(end, `${inserts.get(end)}${group.required ? ')' : ']'}`);
    else inserts.set(end, group.required ? ')' : ']');
    for (let i = start + 1; i < end; i++) inserts.set(i, '|');
  }
  const parts: (string | null)[] = actions.map((action, i) => {
    if (action.helpSuppressed) {
      if (inserts.get(i) === '|') inserts.delete(i);
      else if (inserts.get(i + 1) === '|') inserts.delete(i + 1);
      return null;
    }
    if (action.isPositional) {
      let part = formatArgs(action, ctx);
      if (grouped.has(action) && part.startsWith('[') && part.endsWith(']')) part = part.slice(1, -1);
      return part;
    }
    // BooleanOptionalAction's format_usage: every option string, `--flag | --no-flag`.
    const flag = action.kind === 'boolean_optional' ? action.optionStrings.join(' | ') : action.optionStrings[0]!;
    const part = action.nargs === 0 ? flag : `${action.optionStrings[0]} ${formatArgs(action, ctx)}`;
    return !action.required && !grouped.has(action) ? `[${part}]` : part;
  });
  for (const i of [...inserts.keys()].sort((a, b) => b - a)) parts.splice(i, 0, inserts.get(i)!);
  return parts
    .filter((p): p is string => p !== null)
    .join(' ')
    .replace(/([[(]) /g, '$1')
    .replace(/ ([\])])/g, '$1')
    .replace(/[[(] *[\])]/g, '')
    .replace(/\(([^|]*)\)/g, '$1')
    .trim();
}

const USAGE_PART = /\(.*?\)+(?=\s|$)|\[.*?\]+(?=\s|$)|\S+/g;

/** `_format_usage`: `usage: prog [-h] [--lr LR] data`, wrapped under prog when past the width. */
export function formatUsage(p: HelpSource, ctx: HostContext): string {
  const prefix = 'usage: ';
  if (p.usage !== null) return `${prefix}${p.usage.replaceAll('%(prog)s', p.prog)}\n\n`;
  if (!p.actions.length) return `${prefix}${p.prog}\n\n`;
  const optionals = p.actions.filter((a) => !a.isPositional);
  const positionals = p.actions.filter((a) => a.isPositional);
  const actionUsage = actionsUsage([...optionals, ...positionals], p.exclusive, ctx);
  let usage = [p.prog, actionUsage].filter((s) => s).join(' ');
  const textWidth = WIDTH;
  if (prefix.length + usage.length > textWidth) {
    const optParts = actionsUsage(optionals, p.exclusive, ctx).match(USAGE_PART) ?? [];
    const posParts = actionsUsage(positionals, p.exclusive, ctx).match(USAGE_PART) ?? [];
    const lines = (parts: readonly string[], indent: string, withPrefix: boolean): string[] => {
      const out: string[] = [];
      let line: string[] = [];
      let len = withPrefix ? prefix.length - 1 : indent.length - 1;
      for (const part of parts) {
        if (len + 1 + part.length > textWidth && line.length) {
          out.push(indent + line.join(' '));
          line = [];
          len = indent.length - 1;
        }
        line.push(part);
        len += part.length + 1;
      }
      if (line.length) out.push(indent + line.join(' '));
      if (withPrefix) out[0] = out[0]!.slice(indent.length);
      return out;
    };
    let result: string[];
    if (prefix.length + p.prog.length <= 0.75 * textWidth) {
      const indent = pad(prefix.length + p.prog.length + 1);
      if (optParts.length) result = [...lines([p.prog, ...optParts], indent, true), ...lines(posParts, indent, false)];
      else if (posParts.length) result = lines([p.prog, ...posParts], indent, true);
      else result = [p.prog];
    } else {
      const indent = pad(prefix.length);
      result = lines([...optParts, ...posParts], indent, false);
      if (result.length > 1) result = [...lines(optParts, indent, false), ...lines(posParts, indent, false)];
      result = [p.prog, ...result];
    }
    usage = result.join('\n');
  }
  return `${prefix}${usage}\n\n`;
}

/** `_format_text`: a description or epilog, its whitespace collapsed and filled (kept as written by the Raw formatters). */
function formatText(text: string, indent: number, p: HelpSource): string {
  const t = text.includes('%(prog)') ? text.replaceAll('%(prog)s', p.prog) : text;
  const width = Math.max(WIDTH - indent, 11);
  const prefix = pad(indent);
  if (p.formatter === 'RawDescriptionHelpFormatter' || p.formatter === 'RawTextHelpFormatter') {
    return `${t.split(/(?<=\n)/).map((line) => prefix + line).join('')}\n\n`;
  }
  const collapsed = t.replace(/\s+/g, ' ').trim();
  return `${wrapText(collapsed, { ...WRAP_DEFAULTS, width, initialIndent: prefix, subsequentIndent: prefix }).join('\n')}\n\n`;
}

/** `_get_help_string`: ArgumentDefaultsHelpFormatter adds ` (default: %(default)s)`. */
function helpString(action: Action, p: HelpSource): string {
  let help = typeof action.help === 'string' ? action.help : '';
  if (p.formatter === 'ArgumentDefaultsHelpFormatter' && !help.includes('%(default)') && action.default_ !== SUPPRESS) {
    if (!action.isPositional || action.nargs === '?' || action.nargs === '*') help += ' (default: %(default)s)';
  }
  return help;
}

/** `_expand_help`: the help string `%`-formatted with the action's fields and `prog`, as CPython's `help % params`. */
function expandHelp(action: Action, p: HelpSource, ctx: HostContext): string {
  const params = new PyDict();
  const put = (k: string, v: PyValue) => params.setByKey(dictKey(k, ctx), k, v);
  for (const [k, v] of [...action.fields(), ['prog', p.prog] as [string, PyValue]]) {
    if (v === SUPPRESS) continue;
    const named = v !== null && typeof v === 'object' ? getattrOrUndefined(v, '__name__', ctx) : undefined;
    put(k, k === 'choices' && v !== null ? [...iterate(v, ctx)].map((c) => ctx.str(c)).join(', ') : typeof named === 'string' ? named : v);
  }
  const formatted = binary('%', helpString(action, p), params, ctx);
  return typeof formatted === 'string' ? formatted : ctx.str(formatted);
}

/** `_format_action`: the invocation, then its help beside it (or on the next line, at the help column). */
function formatAction(action: Action, indent: number, maxLength: number, p: HelpSource, ctx: HostContext): string {
  const helpPosition = Math.min(maxLength + 2, Math.min(MAX_HELP_POSITION, Math.max(WIDTH - 20, INDENT_STEP * 2)));
  const helpWidth = Math.max(WIDTH - helpPosition, 11);
  const actionWidth = helpPosition - indent - 2;
  const header = invocation(action, ctx);
  const hasHelp = typeof action.help === 'string' && action.help !== '';
  const parts: string[] = [];
  let indentFirst = 0;
  if (!hasHelp) parts.push(`${pad(indent)}${header}\n`);
  else if (header.length <= actionWidth) parts.push(`${pad(indent)}${header.padEnd(actionWidth)}  `);
  else {
    parts.push(`${pad(indent)}${header}\n`);
    indentFirst = helpPosition;
  }
  if (hasHelp && (action.help as string).trim()) {
    const text = expandHelp(action, p, ctx);
    if (text) {
      const lines = p.formatter === 'RawTextHelpFormatter' ? text.split(/\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]/) : wrapText(text.replace(/\s+/g, ' ').trim(), { ...WRAP_DEFAULTS, width: helpWidth });
      parts.push(`${pad(indentFirst)}${lines[0] ?? ''}\n`);
      for (const line of lines.slice(1)) parts.push(`${pad(helpPosition)}${line}\n`);
    }
  } else if (!parts[parts.length - 1]!.endsWith('\n')) parts.push('\n');
  return parts.join('');
}

/** `format_help`: usage, description, each section with its arguments, epilog. */
export function formatHelp(p: HelpSource, ctx: HostContext): string {
  const sectionIndent = INDENT_STEP;
  let maxLength = 0;
  for (const section of p.sections) {
    for (const action of section.actions) {
      if (!action.helpSuppressed) maxLength = Math.max(maxLength, invocation(action, ctx).length + sectionIndent);
    }
  }
  const parts: string[] = [formatUsage(p, ctx)];
  if (p.description !== null) parts.push(formatText(p.description, 0, p));
  for (const section of p.sections) {
    const items: string[] = [];
    if (section.description !== null) items.push(formatText(section.description, sectionIndent, p));
    for (const action of section.actions) if (!action.helpSuppressed) items.push(formatAction(action, sectionIndent, maxLength, p, ctx));
    const body = items.join('');
    if (!body) continue;
    parts.push(`\n${section.title !== null ? `${section.title}:\n` : ''}${body}\n`);
  }
  if (p.epilog !== null) parts.push(formatText(p.epilog, 0, p));
  const help = parts.join('').replace(/\n\n\n+/g, '\n\n');
  return help ? `${help.replace(/^\n+|\n+$/g, '')}\n` : help;
}
