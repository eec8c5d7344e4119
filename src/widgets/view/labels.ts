import type { WidgetLanguage } from '../schema.js';

/** Every word the widget shows or announces by itself, per language of the labels. */
export interface Labels {
  list: string;
  stars: (rating: string) => string;
  /** After the average, for screen readers: "4.5 out of 5". */
  outOfFive: string;
  reviews: (count: number, formatted: string) => string;
  noReviews: string;
  readMore: string;
  showMore: string;
  loadMore: string;
  seeAll: string;
  previous: string;
  next: string;
  pause: string;
  play: string;
  close: string;
  slide: (index: string, total: string) => string;
  verified: string;
  poweredBy: string;
  popup: string;
}

const en: Labels = {
  outOfFive: 'out of 5',
  list: 'Testimonials',
  stars: (r) => `${r} out of 5 stars`,
  reviews: (n, f) => (n === 1 ? '1 review' : `${f} reviews`),
  noReviews: 'No reviews yet',
  readMore: 'Read more',
  showMore: 'Show more',
  loadMore: 'Load more',
  seeAll: 'See all testimonials',
  previous: 'Previous testimonial',
  next: 'Next testimonial',
  pause: 'Pause',
  play: 'Play',
  close: 'Close',
  slide: (i, n) => `${i} of ${n}`,
  verified: 'Verified customer',
  poweredBy: 'Powered by ShowTrust',
  popup: 'Recent testimonial',
};

const de: Labels = {
  outOfFive: 'von 5',
  list: 'Kundenstimmen',
  stars: (r) => `${r} von 5 Sternen`,
  reviews: (n, f) => (n === 1 ? '1 Bewertung' : `${f} Bewertungen`),
  noReviews: 'Noch keine Bewertungen',
  readMore: 'Weiterlesen',
  showMore: 'Mehr anzeigen',
  loadMore: 'Mehr laden',
  seeAll: 'Alle Kundenstimmen ansehen',
  previous: 'Vorherige Kundenstimme',
  next: 'Nächste Kundenstimme',
  pause: 'Anhalten',
  play: 'Abspielen',
  close: 'Schließen',
  slide: (i, n) => `${i} von ${n}`,
  verified: 'Verifizierter Kunde',
  poweredBy: 'Bereitgestellt von ShowTrust',
  popup: 'Neue Kundenstimme',
};

const fr: Labels = {
  outOfFive: 'sur 5',
  list: 'Témoignages',
  stars: (r) => `${r} étoiles sur 5`,
  reviews: (n, f) => (n === 1 ? '1 avis' : `${f} avis`),
  noReviews: 'Pas encore d’avis',
  readMore: 'Lire la suite',
  showMore: 'Afficher plus',
  loadMore: 'Charger plus',
  seeAll: 'Voir tous les témoignages',
  previous: 'Témoignage précédent',
  next: 'Témoignage suivant',
  pause: 'Pause',
  play: 'Lecture',
  close: 'Fermer',
  slide: (i, n) => `${i} sur ${n}`,
  verified: 'Client vérifié',
  poweredBy: 'Propulsé par ShowTrust',
  popup: 'Témoignage récent',
};

const es: Labels = {
  outOfFive: 'de 5',
  list: 'Testimonios',
  stars: (r) => `${r} de 5 estrellas`,
  reviews: (n, f) => (n === 1 ? '1 reseña' : `${f} reseñas`),
  noReviews: 'Todavía no hay reseñas',
  readMore: 'Leer más',
  showMore: 'Mostrar más',
  loadMore: 'Cargar más',
  seeAll: 'Ver todos los testimonios',
  previous: 'Testimonio anterior',
  next: 'Testimonio siguiente',
  pause: 'Pausar',
  play: 'Reproducir',
  close: 'Cerrar',
  slide: (i, n) => `${i} de ${n}`,
  verified: 'Cliente verificado',
  poweredBy: 'Con la tecnología de ShowTrust',
  popup: 'Testimonio reciente',
};

// Counts are written as "number of reviews: n", which needs none of Arabic's six plural forms.
const ar: Labels = {
  outOfFive: 'من 5',
  list: 'آراء العملاء',
  stars: (r) => `${r} من 5 نجوم`,
  reviews: (_n, f) => `عدد المراجعات: ${f}`,
  noReviews: 'لا توجد مراجعات بعد',
  readMore: 'اقرأ المزيد',
  showMore: 'عرض المزيد',
  loadMore: 'تحميل المزيد',
  seeAll: 'عرض كل آراء العملاء',
  previous: 'الرأي السابق',
  next: 'الرأي التالي',
  pause: 'إيقاف مؤقت',
  play: 'تشغيل',
  close: 'إغلاق',
  slide: (i, n) => `${i} من ${n}`,
  verified: 'عميل موثّق',
  poweredBy: 'مدعوم من ShowTrust',
  popup: 'رأي حديث',
};

export const LABELS: Record<WidgetLanguage, Labels> = { en, de, fr, es, ar };

const KNOWN = new Set<string>(Object.keys(LABELS));
const RIGHT_TO_LEFT = new Set<string>(['ar']);

/**
 * The labels' language: the widget's own setting, or with `auto` the primary subtag of
 * the host page's `lang` when we have labels for it, else English.
 */
export function resolveLanguage(setting: string, hostLang: string | undefined): WidgetLanguage {
  if (KNOWN.has(setting)) return setting as WidgetLanguage;
  const primary = (hostLang ?? '').toLowerCase().split('-')[0] ?? '';
  return KNOWN.has(primary) ? (primary as WidgetLanguage) : 'en';
}

export function directionOf(language: WidgetLanguage): 'rtl' | 'ltr' {
  return RIGHT_TO_LEFT.has(language) ? 'rtl' : 'ltr';
}
