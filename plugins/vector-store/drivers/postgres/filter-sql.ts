// A metadata filter (../../filter.ts) as a SQL condition on the jsonb
// `metadata` column, with the embedded store's meaning exactly: values of the
// same JSON type compared (numbers with numbers, strings with strings, in code
// point order), a missing or null field meeting only neq and not-in. Field
// names and values are always bound parameters, never SQL text.

import type { Condition } from '../../store/filter.ts'

/** The condition's SQL (TRUE for none), its parameters numbered from `first`. */
export function filterSql(conditions: Condition[], first: number): { sql: string; params: string[] } {
  const params: string[] = []
  const bind = (value: string) => `$${first + params.push(value) - 1}`
  const parts = conditions.map(({ field, operator, value }) => {
    const f = bind(field)
    const node = `(metadata -> ${f})`
    const missing = `(${node} IS NULL OR ${node} = 'null'::jsonb)`
    const json = (v: unknown) => `${bind(JSON.stringify(v))}::text::jsonb`
    switch (operator) {
      case 'eq':
        return `(${node} = ${json(value)})`
      case 'neq':
        return `(${missing} OR ${node} <> ${json(value)})`
      case 'in':
      case 'not-in': {
        const list = value as unknown[]
        const within = list.length === 0 ? 'FALSE' : `(${node} IN (${list.map(json).join(', ')}))`
        return operator === 'in' ? within : `(${missing} OR NOT ${within})`
      }
      default: {
        const op = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[operator]
        if (typeof value === 'number') return `(CASE WHEN jsonb_typeof(${node}) = 'number' THEN (metadata ->> ${f})::float8 ${op} ${bind(String(value))}::float8 ELSE FALSE END)`
        if (typeof value === 'string') return `(CASE WHEN jsonb_typeof(${node}) = 'string' THEN (metadata ->> ${f}) COLLATE "C" ${op} ${bind(value)}::text COLLATE "C" ELSE FALSE END)`
        return 'FALSE'
      }
    }
  })
  return { sql: parts.length > 0 ? parts.join(' AND ') : 'TRUE', params }
}
