/** Dates as the pages show them: Dutch or English, in Amsterdam time (one formatter for every view). */
const locale = (lang: string) => (lang === 'en' ? 'en-GB' : 'nl-NL');

/** "2 dec 2026, 09:41". */
export function formatDateTime(lang: string, d: Date): string {
  return new Intl.DateTimeFormat(locale(lang), { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Amsterdam' }).format(new Date(d));
}

/** "2 dec 2026" (medium) or "2 december 2026" (long). */
export function formatDate(lang: string, d: Date, style: 'medium' | 'long' = 'medium'): string {
  return new Intl.DateTimeFormat(locale(lang), { dateStyle: style, timeZone: 'Europe/Amsterdam' }).format(new Date(d));
}
