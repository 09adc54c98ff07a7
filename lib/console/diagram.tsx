/**
 * The architecture diagram: `switchyard diagram`'s Mermaid flowchart, rendered in the page.
 * Mermaid is most of the console's bytes, so it is a separate chunk (a dynamic import that
 * esbuild splits out) fetched only when the user asks to see the diagram; the page itself
 * stays small. The Mermaid text is always there to copy.
 */
import { useEffect, useRef, useState } from 'preact/hooks';

/** Renders `text` with Mermaid when shown. */
export function Diagram({ text }: { text: string }) {
  const [shown, setShown] = useState(false);
  const [error, setError] = useState<string>();
  const [svg, setSvg] = useState<string>();
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!shown) return;
    let stale = false;
    import('mermaid')
      .then(async ({ default: mermaid }) => {
        const dark = matchMedia('(prefers-color-scheme: dark)').matches;
        mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: dark ? 'dark' : 'default', flowchart: { htmlLabels: false } });
        const { svg } = await mermaid.render('app-diagram-svg', text);
        if (!stale) setSvg(svg);
      })
      .catch((err: Error) => !stale && setError(err.message));
    return () => { stale = true; };
  }, [shown, text]);

  useEffect(() => {
    if (!box.current || !svg) return;
    try {
      box.current.replaceChildren(adopt(svg));
    } catch (err) {
      setError((err as Error).message);
    }
  }, [svg]);

  return (
    <div>
      <p>
        <button type="button" aria-expanded={shown} aria-controls="app-diagram" onClick={() => setShown(!shown)}>{shown ? 'Hide the diagram' : 'Show the diagram'}</button>
      </p>
      {shown && (
        <div id="app-diagram">
          {error && <div class="notice error" role="alert">The diagram could not be drawn: {error}</div>}
          {!svg && !error && <p class="muted">Drawing…</p>}
          <div ref={box} class="diagram" role="img" aria-label="Architecture diagram of the app" />
          <details><summary>Mermaid source</summary><pre tabIndex={0}>{text}</pre></details>
        </div>
      )}
    </div>
  );
}

let diagramSheet: CSSStyleSheet | undefined;

/**
 * Mermaid's SVG (sanitized by Mermaid itself: securityLevel 'strict' runs DOMPurify) as a node,
 * its `<style>` moved into a constructed stylesheet: the console is served with a strict CSP
 * (no inline styles), which would block a `<style>` element but not the CSSOM. Mermaid scopes
 * its rules to the SVG's id, so the sheet styles nothing else.
 */
function adopt(svg: string): Node {
  // Parsed as HTML (Mermaid writes `<br>` in labels) into an inert template: nothing in it is
  // styled or run until it is adopted below.
  const template = document.createElement('template');
  template.innerHTML = svg;
  const root = template.content.querySelector('svg');
  if (!root) throw new Error('Mermaid drew no SVG');
  const css = [...root.querySelectorAll('style')].map((style) => {
    style.remove();
    return style.textContent ?? '';
  });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css.join('\n'));
  document.adoptedStyleSheets = [...document.adoptedStyleSheets.filter((s) => s !== diagramSheet), sheet];
  diagramSheet = sheet;
  root.removeAttribute('style');
  return document.importNode(root, true);
}
