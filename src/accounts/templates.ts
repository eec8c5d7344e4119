/*
 * Eta templates of the account pages, kept as strings so the compiled server needs no
 * template files. `<%= %>` escapes; `<%~ %>` only inserts the layout's already rendered
 * body. No page carries script or inline style: their CSP forbids both. Every form
 * posts a `_csrf` token.
 */

export const LAYOUT = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title><%= it.title %> · ShowTrust</title>
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

const NOTICES = `<% if (it.notice) { %>
<p class="notice" role="status"><%= it.notice %></p>
<% } %>
<% if (it.error) { %>
<p class="error" role="alert"><%= it.error %></p>
<% } %>`;

export const SIGN_IN_PAGE = `<% layout('@layout') %>
<h1>Sign in to ShowTrust</h1>
${NOTICES}
<form method="post" action="/account/sign-in">
<input type="hidden" name="_csrf" value="<%= it.csrf %>">
<input type="hidden" name="return_to" value="<%= it.returnTo %>">
<label for="email">Email</label>
<input type="email" id="email" name="email" value="<%= it.email %>" autocomplete="username" required>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<p><a href="/account/password-reset">Forgot your password?</a></p>
`;

export const MESSAGE_PAGE = `<% layout('@layout') %>
<h1><%= it.heading %></h1>
<p><%= it.message %></p>
<% if (it.linkHref) { %>
<p><a href="<%= it.linkHref %>"><%= it.linkText %></a></p>
<% } %>
`;

export const RESET_REQUEST_PAGE = `<% layout('@layout') %>
<h1>Reset your password</h1>
${NOTICES}
<form method="post" action="/account/password-reset">
<input type="hidden" name="_csrf" value="<%= it.csrf %>">
<label for="email">Email</label>
<input type="email" id="email" name="email" autocomplete="username" required>
<button type="submit">Send me a link</button>
</form>
<p><a href="/account/sign-in">Back to sign in</a></p>
`;

const NEW_PASSWORD_FIELDS = `<label for="password">New password</label>
<input type="password" id="password" name="password" autocomplete="new-password" minlength="<%= it.minPasswordChars %>" required>
<label for="password_confirm">New password again</label>
<input type="password" id="password_confirm" name="password_confirm" autocomplete="new-password" minlength="<%= it.minPasswordChars %>" required>`;

export const RESET_CONFIRM_PAGE = `<% layout('@layout') %>
<h1>Choose a new password</h1>
${NOTICES}
<form method="post" action="/account/password-reset/confirm">
<input type="hidden" name="_csrf" value="<%= it.csrf %>">
<input type="hidden" name="token" value="<%= it.token %>">
${NEW_PASSWORD_FIELDS}
<button type="submit">Save password</button>
</form>
`;

export const INVITATION_PAGE = `<% layout('@layout') %>
<h1>Join <%= it.workspaceName %></h1>
<p>You are invited as <strong><%= it.role %></strong> with the address <strong><%= it.email %></strong>.</p>
${NOTICES}
<form method="post" action="/account/invitations/accept">
<input type="hidden" name="_csrf" value="<%= it.csrf %>">
<input type="hidden" name="token" value="<%= it.token %>">
<% if (it.existingUser) { %>
<label for="password">Your ShowTrust password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<% } else { %>
${NEW_PASSWORD_FIELDS}
<% } %>
<button type="submit">Accept invitation</button>
</form>
`;

export const ACCOUNT_PAGE = `<% layout('@layout') %>
<h1>Your account</h1>
${NOTICES}
<p>Signed in as <strong><%= it.email %></strong>.</p>
<h2>Workspaces</h2>
<% if (it.memberships.length === 0) { %>
<p class="muted">You are not a member of any workspace.</p>
<% } else { %>
<table>
<thead><tr><th scope="col">Workspace</th><th scope="col">Role</th></tr></thead>
<tbody>
<% for (const m of it.memberships) { %>
<tr><td><%= m.workspaceName %> <span class="muted"><%= m.workspaceId %></span></td><td><%= m.role %></td></tr>
<% } %>
</tbody>
</table>
<% } %>
<% if (it.invitable.length > 0) { %>
<h2>Invite someone</h2>
<form method="post" action="/account/invitations">
<input type="hidden" name="_csrf" value="<%= it.csrf %>">
<label for="workspace_id">Workspace</label>
<select id="workspace_id" name="workspace_id">
<% for (const m of it.invitable) { %>
<option value="<%= m.workspaceId %>"><%= m.workspaceName %></option>
<% } %>
</select>
<label for="invite_email">Email</label>
<input type="email" id="invite_email" name="email" required>
<label for="role">Role</label>
<select id="role" name="role">
<% for (const role of it.roles) { %>
<option value="<%= role %>"<% if (role === 'editor') { %> selected<% } %>><%= role %></option>
<% } %>
</select>
<button type="submit">Send invitation</button>
</form>
<% } %>
<h2>Change your password</h2>
<form method="post" action="/account/password">
<input type="hidden" name="_csrf" value="<%= it.csrf %>">
<label for="current_password">Current password</label>
<input type="password" id="current_password" name="current_password" autocomplete="current-password" required>
${NEW_PASSWORD_FIELDS}
<button type="submit">Change password</button>
</form>
<form method="post" action="/account/sign-out">
<input type="hidden" name="_csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary">Sign out</button>
</form>
`;
