/** 85073003328 → 85.07.30-033.28, the way INSZ numbers are written on Belgian documents. */
export function formatInsz(insz: string): string {
  const d = insz.replace(/\D/g, '');
  return d.length === 11 ? `${d.slice(0, 2)}.${d.slice(2, 4)}.${d.slice(4, 6)}-${d.slice(6, 9)}.${d.slice(9)}` : insz;
}

/** The public enterprise register's page of an enterprise or establishment number (KBO/BCE). */
export function kboUrl(kbo: string): string {
  const digits = kbo.replace(/\D/g, '');
  return `https://kbopub.economie.fgov.be/kbopub/toonondernemingps.html?ondernemingsnummer=${digits}`;
}

export function formatKbo(kbo: string): string {
  const d = kbo.replace(/\D/g, '');
  return d.length === 10 ? `${d.slice(0, 4)}.${d.slice(4, 7)}.${d.slice(7)}` : kbo;
}
