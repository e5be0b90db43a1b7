/**
 * Expands a VS Code snippet body the way the editor does when the user accepts every default:
 * `$1` / `${1}` / `${1:default}` / `${1|first,second|}` and `$0`, with placeholders of one number
 * mirrored (they all take the default written at any of them), `\$ \} \\` escapes, and the
 * editor's re-indentation of every line after the first by the indentation at the cursor.
 *
 * Variables (`$TM_FILENAME`, `${CURRENT_YEAR}`) are refused: these snippets do not use them.
 */

type Node = string | { tabstop: number; children: Node[] | null; choices?: string[] };

export function expandSnippet(body: string | string[], indent = ''): string {
  const text = Array.isArray(body) ? body.join('\n') : body;
  const nodes = parse(text);
  const defaults = new Map<number, Node[] | string>();
  const collect = (list: Node[]): void => {
    for (const n of list) {
      if (typeof n === 'string') continue;
      if (n.choices && !defaults.has(n.tabstop)) defaults.set(n.tabstop, n.choices[0]);
      if (n.children && n.children.length > 0 && !defaults.has(n.tabstop))
        defaults.set(n.tabstop, n.children);
      if (n.children) collect(n.children);
    }
  };
  collect(nodes);
  const render = (list: Node[], depth: number): string => {
    if (depth > 20) throw new Error('snippet placeholders refer to each other in a cycle');
    return list
      .map((n) => {
        if (typeof n === 'string') return n;
        const d = defaults.get(n.tabstop);
        if (d === undefined) return '';
        return typeof d === 'string' ? d : render(d, depth + 1);
      })
      .join('');
  };
  const out = render(nodes, 0);
  return out
    .split('\n')
    .map((line, i) => (i > 0 && line !== '' ? indent + line : line))
    .join('\n');
}

function parse(text: string): Node[] {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`snippet syntax: ${what} at ${i} in ${JSON.stringify(text)}`);
  };
  const parseList = (stopAt: string | null): Node[] => {
    const out: Node[] = [];
    let literal = '';
    const flush = (): void => {
      if (literal) out.push(literal);
      literal = '';
    };
    while (i < text.length) {
      const c = text[i];
      if (c === '\\' && i + 1 < text.length && '$}\\'.includes(text[i + 1])) {
        literal += text[i + 1];
        i += 2;
      } else if (stopAt !== null && c === stopAt) {
        flush();
        return out;
      } else if (c === '$') {
        const m = /^\$(\d+)/.exec(text.slice(i));
        if (m) {
          flush();
          out.push({ tabstop: Number(m[1]), children: null });
          i += m[0].length;
          continue;
        }
        if (text[i + 1] === '{') {
          const n = /^\$\{(\d+)/.exec(text.slice(i));
          if (!n) fail('variable (not supported)');
          flush();
          i += n![0].length;
          const tabstop = Number(n![1]);
          if (text[i] === '}') {
            i++;
            out.push({ tabstop, children: null });
          } else if (text[i] === ':') {
            i++;
            const children = parseList('}');
            if (text[i] !== '}') fail('unclosed placeholder');
            i++;
            out.push({ tabstop, children });
          } else if (text[i] === '|') {
            i++;
            const choices: string[] = [];
            let cur = '';
            for (;;) {
              if (i >= text.length) fail('unclosed choice');
              const d = text[i];
              if (d === '\\' && ',|\\$}'.includes(text[i + 1] ?? '')) {
                cur += text[i + 1];
                i += 2;
              } else if (d === ',') {
                choices.push(cur);
                cur = '';
                i++;
              } else if (d === '|' && text[i + 1] === '}') {
                choices.push(cur);
                i += 2;
                break;
              } else {
                cur += d;
                i++;
              }
            }
            out.push({ tabstop, children: null, choices });
          } else fail('bad placeholder');
          continue;
        }
        if (/^\$[A-Za-z_]/.test(text.slice(i))) fail('variable (not supported)');
        literal += c;
        i++;
      } else {
        literal += c;
        i++;
      }
    }
    if (stopAt !== null) fail('unexpected end');
    flush();
    return out;
  };
  return parseList(null);
}
