/** Weights of the first nine digits of a Korean business registration number (사업자등록번호). */
const WEIGHTS = [1, 3, 7, 1, 3, 7, 1, 3, 5];

/** Sum of digit x weight, plus floor(9th digit x 5 / 10); check = (10 - sum mod 10) mod 10. */
function checkDigit(nineDigits: string): number {
  const d = [...nineDigits].map(Number);
  const sum = WEIGHTS.reduce((acc, w, i) => acc + d[i]! * w, 0) + Math.floor((d[8]! * 5) / 10);
  return (10 - (sum % 10)) % 10;
}

/** True when `brn` (with or without the usual 3-2-5 hyphens) is 10 digits ending in its check digit. */
export function isValidBusinessNumber(brn: string): boolean {
  const digits = normaliseBusinessNumber(brn);
  return /^\d{10}$/.test(digits) && checkDigit(digits.slice(0, 9)) === Number(digits[9]);
}

/** Strips the 3-2-5 hyphens: `123-45-67891` → `1234567891`. */
export function normaliseBusinessNumber(brn: string): string {
  return brn.replace(/-/g, '');
}

/** Appends the check digit to nine digits (used to make valid demo numbers). */
export function withCheckDigit(nineDigits: string): string {
  return nineDigits + String(checkDigit(nineDigits));
}
