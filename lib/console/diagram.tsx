/**
 * The architecture diagram: `switchyard diagram`'s Mermaid flowchart, rendered in the page.
 * Mermaid is most of the console's bytes, so it is a separate chunk (a dynamic import that
 * esbuild splits out) fetched only when the user asks to see the diagram; the page itself
 * stays small. The Mermaid text is always there to copy.
 *
 * Mermaid styles its SVG with a `<style>` element and style attributes while it lays the graph
 * out, so a Content-Security-Policy for the console must allow inline styles (`style-src 'self'
 * 'unsafe-inline'`); scripts need nothing inline (`script-src 'self'`).
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
    // Mermaid's SVG is sanitized by Mermaid itself (securityLevel 'strict' runs DOMPurify).
    if (box.current && svg) box.current.innerHTML = svg;
  }, [svg, shown]);

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

