/**
 * The one canonical form of each float, shared by the encoder (which writes it) and the
 * decoder (which refuses any other). A float always takes the shortest of the three IEEE
 * widths that holds it exactly — with one quirk kept from cborg, the reference encoder:
 * when it tries half precision for a half subnormal it keeps only the leading bit, so only
 * powers of two stay half there and other half subnormals are written as float32.
 *
 * Only finite numbers that are not safe integers reach these functions: integers in the
 * safe range (and -0) are written as CBOR integers.
 */
export type FloatWidth = 2 | 4 | 8

const scratch = new DataView(new ArrayBuffer(8))

/** The width, in bytes after the initial byte, of the canonical form of `value`. */
export const floatWidth = (value: number): FloatWidth => {
  scratch.setFloat32(0, value)
  if (scratch.getFloat32(0) !== value) return 8
  const bits = scratch.getUint32(0)
  const exponent = ((bits >>> 23) & 0xff) - 127
  const mantissa = bits & 0x7fffff
  // A normal half has a 10-bit mantissa: the low 13 of float32's 23 must be zero.
  if (exponent >= -14 && exponent <= 15) return (mantissa & 0x1fff) === 0 ? 2 : 4
  if (exponent >= -24 && exponent < -14) return mantissa === 0 ? 2 : 4
  return 4
}

/** The half-precision bits of a value whose canonical width is 2. */
export const toHalf = (value: number): number => {
  scratch.setFloat32(0, value)
  const bits = scratch.getUint32(0)
  const sign = (bits >>> 16) & 0x8000
  const exponent = ((bits >>> 23) & 0xff) - 127
  if (exponent >= -14) return sign | ((exponent + 15) << 10) | ((bits & 0x7fffff) >>> 13)
  return sign | (1 << (exponent + 24))
}

export const halfToNumber = (half: number): number => {
  const exponent = (half >> 10) & 0x1f
  const mantissa = half & 0x3ff
  const magnitude =
    exponent === 0 ? mantissa * 2 ** -24 : exponent === 31 ? (mantissa === 0 ? Infinity : NaN) : (mantissa + 1024) * 2 ** (exponent - 25)
  return half & 0x8000 ? -magnitude : magnitude
}
