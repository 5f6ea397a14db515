import type * as Vl from 'vega-lite'

/** A Vega-Lite specification, as the report's views build them. */
export type ChartSpec = Vl.TopLevelSpec

/** Fonts every machine has, so text measures and reads the same without fetching a web font. */
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif'

const CONFIG = {
  font: FONT,
  background: null,
  view: { stroke: '#d0d7de' },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eaeef2' },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: 'bottom', direction: 'horizontal', columns: 4 },
  title: { fontSize: 13, anchor: 'start' },
} as const

/**
 * Renders a Vega-Lite chart to an SVG string, headless: compiled to Vega, run with the `none`
 * renderer (no canvas, no DOM) and serialised with `toSVG()`. The data is inline, so Vega's
 * loader never fetches anything. The fixed width and height become a `viewBox` with a fluid
 * width, so a chart shrinks to a phone's screen instead of overflowing it.
 */
export async function renderSvg(spec: ChartSpec, label: string): Promise<string> {
  // Loaded on the first chart: vega and vega-lite are megabytes of code that only `report` runs.
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')])
  const compiled = vl.compile({ ...spec, config: { ...CONFIG, ...(spec.config ?? {}) } } as ChartSpec).spec
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error })
  try {
    const svg = await view.toSVG()
    return svg.replace(/^<svg([^>]*?) width="([\d.]+)" height="([\d.]+)"/, (_m, rest: string, w: string, h: string) => {
      return `<svg${rest} width="100%" data-width="${w}" data-height="${h}" style="max-width:${w}px;height:auto" role="img" aria-label="${escapeAttr(label)}"`
    })
  } finally {
    view.finalize()
  }
}

function escapeAttr(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')
}
