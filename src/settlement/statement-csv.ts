import type { BookingStatus } from '../../db/schema';
import { toGlobalId } from '../global-id';
import { koreanEndReason } from '../market/end-reasons';
import type { StatementLine, StatementLinePart, StatementTotals } from './statement-lines';

const PART: Record<StatementLinePart, string> = { TRANSPORT: '운송', STORAGE: '보관', HANDLING: '하역' };
const STATUS: Record<BookingStatus, string> = { CONFIRMED: '확정', COMPLETED: '완료', CANCELLED: '취소', RETURNED: '반납' };

const COLUMNS: [string, (l: StatementLine) => string | number | null][] = [
  ['공급일자', (l) => l.supplyDate],
  ['구분', (l) => PART[l.part]],
  ['상태', (l) => STATUS[l.status]],
  ['품목', (l) => l.item],
  ['공급자 사업자등록번호', (l) => l.supplier.businessRegistrationNumber],
  ['공급자 상호', (l) => l.supplier.name],
  ['공급받는자 사업자등록번호', (l) => l.buyer.businessRegistrationNumber],
  ['공급받는자 상호', (l) => l.buyer.name],
  ['팔레트', (l) => l.pallets],
  // A stay weighs nothing on an invoice: blank, not a 0 that reads as a measured weight.
  ['중량(kg)', (l) => (l.part === 'STORAGE' ? null : l.weightKg)],
  ['예약금액', (l) => l.bookedPriceKrw],
  ['공급가액', (l) => l.supplyValueKrw],
  ['세액', (l) => l.vatKrw],
  ['합계금액', (l) => l.totalKrw],
  ['취소·반납 사유', (l) => l.endReason && koreanEndReason(l.endReason)],
  ['차량번호', (l) => l.vehiclePlate],
  ['운행 ID', (l) => (l.routeId ? toGlobalId('Route', l.routeId) : null)],
  ['예약 ID', (l) => toGlobalId('Booking', l.bookingId)],
];

/**
 * A statement (an organisation's or a centre's) as CSV for Excel: a UTF-8 byte-order mark (without it Excel reads Hangul as its local code page),
 * Korean headers, every field quoted (RFC 4180, quotes doubled), CRLF line ends, whole won without separators,
 * and a last row with the month's totals.
 */
export function statementCsv(statement: { month: string; lines: StatementLine[]; totals: StatementTotals }): string {
  const header = COLUMNS.map(([name]) => name);
  const rows = statement.lines.map((line) => COLUMNS.map(([, value]) => value(line)));
  const { supplyValueKrw, vatKrw, totalKrw } = statement.totals;
  const totalsByColumn: Record<string, string | number> = { 공급일자: `${statement.month} 합계`, 공급가액: supplyValueKrw, 세액: vatKrw, 합계금액: totalKrw };
  const totals = COLUMNS.map(([name]) => totalsByColumn[name] ?? null);
  return '\uFEFF' + [header, ...rows, totals].map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}

/**
 * One quoted field. Text a spreadsheet would run as a formula (a reason typed by another firm starting with =,
 * +, -, @) gets a leading apostrophe, as OWASP advises for CSV injection.
 */
function field(value: string | number | null): string {
  if (value === null) return '""';
  const text = typeof value === 'number' ? String(value) : /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${text.replace(/"/g, '""')}"`;
}
