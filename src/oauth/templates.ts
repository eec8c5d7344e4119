/* Eta templates of the OAuth pages (consent, refusal), on the account pages' layout. */

export const CONSENT_PAGE = `<% layout('@layout') %>
<h1>Allow <%= it.appName %>?</h1>
<p><strong><%= it.appName %></strong>, an app registered by the workspace <strong><%= it.workspaceName %></strong>, asks to use ShowTrust as you (<%= it.email %>). It will be able to:</p>
<ul class="scopes">
<% for (const scope of it.scopes) { %>
<li><%= scope.description %> <code><%= scope.name %></code></li>
<% } %>
</ul>
<p class="muted">Only in <%= it.workspaceName %>. Afterwards you go back to <%= it.redirectHost %>.</p>
<% if (it.problem) { %>
<p class="error" role="alert"><%= it.problem %></p>
<% } %>
<form method="post" action="<%= it.action %>">
<input type="hidden" name="_csrf" value="<%= it.csrf %>">
<div class="actions">
<% if (!it.problem) { %>
<button type="submit" name="decision" value="approve">Allow</button>
<% } %>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</div>
</form>
`;

export const OAUTH_ERROR_PAGE = `<% layout('@layout') %>
<h1><%= it.heading %></h1>
<p><%= it.message %></p>
<p class="muted">Error <code><%= it.code %></code><% if (it.description) { %>: <%= it.description %><% } %></p>
`;
