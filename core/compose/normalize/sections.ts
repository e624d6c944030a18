// Pass 3a: the top level. A section left empty (`controller:` and nothing
// under it) is no section; `component:` / `workflow:` (one) become
// `components:` / `workflows:` (a list), and a map of id → item a list;
// model-compose's sections that mc does not serve are refused by name.

import { notInMc } from '../../errors.ts'
import { ComposeError } from '../../model/compose-error.ts'
import { MODEL_COMPOSE_SECTIONS } from '../../model/model-compose-names.ts'
import { placeOf } from '../../model/places.ts'
import { inflateSingle } from './doc.ts'
import { type Doc } from '../../model/doc.ts'
import { DEFAULT_ID } from '../../model/ids.ts'

/** The sections mc reads. */
const MC_SECTIONS = ['controller', 'component', 'components', 'workflow', 'workflows', 'plugins']

/** The id a lone `component:` or `workflow:` gets. */

export function normalizeSections(doc: Doc): Doc {
  for (const section of MC_SECTIONS) if (doc[section] === null) delete doc[section]
  for (const key of Object.keys(doc)) {
    if (MODEL_COMPOSE_SECTIONS.includes(key)) {
      throw new ComposeError(notInMc('top-level section', key, MC_SECTIONS), placeOf(doc, key, 'key'), key)
    }
  }
  inflateSingle(doc, 'component', 'components', { defaultId: DEFAULT_ID })
  inflateSingle(doc, 'workflow', 'workflows', { defaultId: DEFAULT_ID })
  return doc
}

