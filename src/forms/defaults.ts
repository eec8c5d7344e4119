/** The form every new workspace starts with. */
export const DEFAULT_FORM = {
  slug: 'default',
  name: 'Default form',
  heading: 'Share your experience',
  prompt: 'What did you like? How did it help you?',
  consent_text: 'I agree that my testimonial, name, job title, company and photo may be published.',
  thank_you_text: 'Thank you! Your testimonial has been received.',
};
