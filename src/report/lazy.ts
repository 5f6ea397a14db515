import type { ReportModel } from './model.js'

/**
 * Renders a report model to one self-contained HTML page (see `./render.ts`). Vega is loaded on
 * first use only: it is large, and opening a store or running any other command never needs it.
 *
 * @example
 * ```ts
 * const { model } = await store.report({ html: false })
 * const html = await renderReport({ ...model, title: 'nightly run' })
 * ```
 */
export async function renderReport(model: ReportModel): Promise<string> {
  const { renderReport: render } = await import('./render.js')
  return render(model)
}
