/*
 * Eta templates of the hosted pages, kept as strings so the compiled server needs no
 * template files beside it. `<%= %>` escapes (& < > " '); the only raw output, `<%~ %>`,
 * inserts other templates' already escaped results. Pages carry no script and no inline
 * style: their CSP forbids both.
 */

export const LAYOUT = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><%= it.title %></title>
<link rel="icon" href="<%= it.iconHref %>" type="image/svg+xml">
<link rel="stylesheet" href="<%= it.stylesheetHref %>">
</head>
<body>
<main class="page">
<div class="card">
<%~ it.body %>
</div>
</main>
</body>
</html>
`;

const FIELD_LABEL = `<label for="<%= it.name %>"><%= it.label %><% if (!it.required) { %> <span class="optional">(optional)</span><% } %></label>
<% if (it.hint) { %>
<p class="hint" id="<%= it.name %>-hint"><%= it.hint %></p>
<% } %>
<% if (it.error) { %>
<p class="field-error" id="<%= it.name %>-error"><span class="visually-hidden">Error: </span><%= it.error %></p>
<% } %>`;

const FIELD_ATTRIBUTES = `id="<%= it.name %>" name="<%= it.name %>" maxlength="<%= it.maxLength %>" autocomplete="<%= it.autocomplete %>"<% if (it.dirAuto) { %> dir="auto"<% } %><% if (it.required) { %> required<% } %><% if (it.describedBy) { %> aria-describedby="<%= it.describedBy %>"<% } %><% if (it.error) { %> aria-invalid="true"<% } %>`;

/** One text input; its data is a FieldView. */
export const INPUT = `<div class="field<%= it.error ? ' has-error' : '' %>">
${FIELD_LABEL}
<input type="<%= it.type %>" value="<%= it.value %>" ${FIELD_ATTRIBUTES}>
</div>
`;

// The line break after <textarea> is eaten by the HTML parser, so a value that starts
// with one keeps it.
export const TEXTAREA = `<div class="field<%= it.error ? ' has-error' : '' %>">
${FIELD_LABEL}
<textarea rows="7" ${FIELD_ATTRIBUTES}>
<%= it.value %></textarea>
</div>
`;

/** The optional author photo; a file input cannot be refilled, so an error asks again. */
export const PHOTO_INPUT = `<div class="field<%= it.error ? ' has-error' : '' %>">
<label for="photo">Your photo <span class="optional">(optional)</span></label>
<p class="hint" id="photo-hint"><%= it.hint %></p>
<% if (it.error) { %>
<p class="field-error" id="photo-error"><span class="visually-hidden">Error: </span><%= it.error %></p>
<% } %>
<input type="file" id="photo" name="photo" accept="<%= it.accept %>" aria-describedby="photo-hint<%= it.error ? ' photo-error' : '' %>"<% if (it.error) { %> aria-invalid="true"<% } %>>
</div>
`;

export const FORM_PAGE = `<% layout('@layout') %>
<h1 dir="auto"><%= it.heading %></h1>
<p class="prompt" dir="auto"><%= it.prompt %></p>
<% if (it.notice) { %>
<div class="notice" role="alert"><p><%= it.notice %></p></div>
<% } %>
<% if (it.summary.length > 0) { %>
<div class="error-summary" role="alert" aria-labelledby="error-summary-title">
<h2 id="error-summary-title">Please check your answers</h2>
<ul>
<% for (const item of it.summary) { %>
<li><a href="#<%= item.target %>"><%= item.message %></a></li>
<% } %>
</ul>
</div>
<% } %>
<form method="post" action="<%= it.action %>" accept-charset="UTF-8"<% if (it.photo) { %> enctype="multipart/form-data"<% } %>>
<input type="hidden" name="_token" value="<%= it.token %>">
<fieldset class="field<%= it.rating.error ? ' has-error' : '' %>"<% if (it.rating.error) { %> aria-describedby="rating-error"<% } %>>
<legend>Your rating <span class="optional">(optional)</span></legend>
<% if (it.rating.error) { %>
<p class="field-error" id="rating-error"><span class="visually-hidden">Error: </span><%= it.rating.error %></p>
<% } %>
<div class="stars">
<% for (const star of it.rating.options) { %>
<input type="radio" id="rating-<%= star.value %>" name="rating" value="<%= star.value %>"<% if (star.checked) { %> checked<% } %>>
<label for="rating-<%= star.value %>"><%= star.value %> <span class="star" aria-hidden="true">★</span><span class="visually-hidden"> <%= star.value === 1 ? 'star' : 'stars' %></span></label>
<% } %>
</div>
</fieldset>
<%~ include('@textarea', it.text) %>
<% for (const field of it.inputs) { %>
<%~ include('@input', field) %>
<% } %>
<% if (it.photo) { %>
<%~ include('@photo', it.photo) %>
<% } %>
<div class="field consent">
<input type="checkbox" id="consent" name="consent" value="yes"<% if (it.consent) { %> checked<% } %>>
<label for="consent" dir="auto"><%= it.consentText %></label>
</div>
<div class="hp" aria-hidden="true">
<label for="contact_me_by_fax_only">Leave this field empty</label>
<input type="text" id="contact_me_by_fax_only" name="contact_me_by_fax_only" value="" tabindex="-1" autocomplete="off" aria-hidden="true">
</div>
<button type="submit">Send testimonial</button>
</form>
`;

export const THANKS_PAGE = `<% layout('@layout') %>
<h1 dir="auto"><%= it.heading %></h1>
<p class="message" role="status" dir="auto"><%= it.message %></p>
`;

export const MESSAGE_PAGE = `<% layout('@layout') %>
<h1><%= it.heading %></h1>
<p class="message"><%= it.message %></p>
`;
