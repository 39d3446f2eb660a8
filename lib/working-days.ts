/**
 * Working days in the Netherlands, for the acknowledgment's promise of an answer within five
 * working days. Days off are Saturdays, Sundays and the holidays of the Algemene termijnenwet
 * (art. 3: the law that says how statutory terms count): Nieuwjaarsdag, Goede Vrijdag, Eerste
 * en Tweede Paasdag, Hemelvaartsdag, Eerste en Tweede Pinksterdag, Koningsdag, Bevrijdingsdag
 * (5 mei) and Eerste en Tweede Kerstdag. Dates are taken in Europe/Amsterdam.
 */

/** Easter Sunday (Gregorian; the anonymous "Meeus/Jones/Butcher" computus), as [month 1-12, day]. */
export function easterSunday(year: number): [number, number] {
  const a = year % 19, b = Math.floor(year / 100), c = year % 100, d = Math.floor(b / 4), e = b % 4;
  const f = Math.floor((b + 8) / 25), g = Math.floor((b - f + 1) / 3), h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4), k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7, m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return [month, day];
}

const holidayCache = new Map<number, Set<string>>();

/** The holidays of `year` as 'YYYY-MM-DD'. */
export function dutchHolidays(year: number): Set<string> {
  let set = holidayCache.get(year);
  if (set) return set;
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  const [em, ed] = easterSunday(year);
  const easter = Date.UTC(year, em - 1, ed);
  const fromEaster = (days: number) => iso(new Date(easter + days * 86_400_000));
  // Koningsdag is 27 April, or the 26th when the 27th is a Sunday.
  const kingsDay = new Date(Date.UTC(year, 3, 27)).getUTCDay() === 0 ? `${year}-04-26` : `${year}-04-27`;
  set = new Set([
    `${year}-01-01`, fromEaster(-2), fromEaster(0), fromEaster(1), fromEaster(39), fromEaster(49), fromEaster(50),
    kingsDay, `${year}-05-05`, `${year}-12-25`, `${year}-12-26`,
  ]);
  holidayCache.set(year, set);
  return set;
}

const amsterdamDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar date of an instant in Amsterdam, 'YYYY-MM-DD'. */
export function localDate(at: Date): string {
  return amsterdamDate.format(at);
}

export function isWorkingDay(date: string): boolean {
  const d = new Date(`${date}T12:00:00Z`);
  const dow = d.getUTCDay();
  return dow !== 0 && dow !== 6 && !dutchHolidays(d.getUTCFullYear()).has(date);
}

/**
 * Working days that have passed since `from`, up to `now`: the day of receipt does not count
 * (a message on Friday afternoon is 1 working day old on Monday). Bounded to 400 days back.
 */
export function workingDaysBetween(from: Date, now: Date): number {
  const start = localDate(from);
  const end = localDate(now);
  if (end <= start) return 0;
  let n = 0;
  let d = new Date(`${start}T12:00:00Z`);
  for (let i = 0; i < 400; i++) {
    d = new Date(d.getTime() + 86_400_000);
    const s = d.toISOString().slice(0, 10);
    if (s > end) break;
    if (isWorkingDay(s)) n += 1;
  }
  return n;
}
