// Stands in for `sharp` in the single executable: its native parts cannot load
// from the executable, and only image models call it (mc runs text models).

export default function sharp(): never {
  throw new Error('mc has no image support in this build')
}
