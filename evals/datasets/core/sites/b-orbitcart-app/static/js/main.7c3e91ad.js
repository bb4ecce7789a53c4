/*! For license information please see main.7c3e91ad.js.LICENSE.txt */
(()=>{"use strict";var e={},t=document.getElementById("root");function n(e,t){var n=document.createElement(e);return n.className=t||"",n}
var r=n("div","app-loading");r.setAttribute("role","status");t&&t.appendChild(r);
fetch("/api/v1/bootstrap",{credentials:"include"}).then(function(e){return e.json()}).then(function(e){r.remove();var a=n("div","app");a.dataset.store=e&&e.store||"";t.appendChild(a)}).catch(function(){r.className="app-error"})})();
