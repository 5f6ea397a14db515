import type { Sidecar } from '../../model/sidecar.js'
import { DEFAULT_DIRECTION } from '../../model/objectives.js'
import type { ObjectiveInfo } from '../../report/model.js'

/**
 * The direction of each objective, as sidecar format 2 records it: `objectives[name]`, the
 * direction the generation was saved with (the same one `stats[name].direction` and `best`
 * follow). An objective the sidecar does not name (no sidecar, as in an import from the original
 * store) is `max`, the default the store itself applies, and is marked so.
 */
export function objectiveDirections(names: readonly string[], sidecar: Sidecar | null): ObjectiveInfo[] {
  return names.map((name) => {
    const direction = sidecar?.objectives[name] ?? sidecar?.stats[name]?.direction
    return direction ? { name, direction, directionSource: 'sidecar' } : { name, direction: DEFAULT_DIRECTION, directionSource: 'default' }
  })
}
