// Names listed in an error message: a file with thousands of jobs must not
// make a message thousands of names long.

export function nameList(names: Iterable<string>, max = 20): string {
  const all = [...names]
  return all.length <= max ? all.join(', ') : `${all.slice(0, max).join(', ')}, ... (${all.length - max} more)`
}
