/** Built-in words the widget shows or announces; one place, so other languages can be added. */
export const LABELS = {
  list: 'Testimonials',
  stars: (rating: number) => `${rating} out of 5 stars`,
};
