/** Settings of the grid widget every new workspace starts with. */
export const DEFAULT_WIDGET_SETTINGS = {
  min_rating: null,
  tags: [],
  form_ids: [],
  featured_only: false,
  limit: 20,
};
