/** Weights of the first nine digits of a Korean business registration number (사업자등록번호). */
const WEIGHTS = [1, 3, 7, 1, 3, 7, 1, 3, 5];

/** Sum of digit x weight, plus floor(9th digit x 5 / 10); check = (10 - sum mod 10) mod 10. */
function checkDigit(nineDigits: string): number {
  const d = [...nineDigits].map(Number);
  const sum = WEIGHTS.reduce((acc, w, i) => acc + d[i]! * w, 0) + Math.floor((d[8]! * 5) / 10);
  return (10 - (sum % 10)) % 10;
}

/** True when `brn` is 10 digits, bare or hyphenated 3-2-5 as printed on the certificate, ending in its check digit. */
export function isValidBusinessNumber(brn: string): boolean {
  // Hyphens elsewhere (1-234-567891) are a mistyped number, not another way to write it.
  if (!/^(\d{10}|\d{3}-\d{2}-\d{5})$/.test(brn)) return false;
  const digits = normaliseBusinessNumber(brn);
  return checkDigit(digits.slice(0, 9)) === Number(digits[9]);
}

/** Strips the 3-2-5 hyphens: `123-45-67891` → `1234567891`. */
export function normaliseBusinessNumber(brn: string): string {
  return brn.replace(/-/g, '');
}

/** Writes ten digits as the certificate prints them: `1234567891` → `123-45-67891`. */
export function formatBusinessNumber(digits: string): string {
  return `${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)}`;
}

/** Appends the check digit to nine digits (used to make valid demo numbers). */
export function withCheckDigit(nineDigits: string): string {
  return nineDigits + String(checkDigit(nineDigits));
}
