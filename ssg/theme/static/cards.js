/* Hover/focus cards for mentions (progressive enhancement; the page works without it).
 *
 * Hovering or focusing a mention (a[data-actor] in the article body) shows a small card with the actor's name,
 * their role in this article and a link to their page. The data comes from the article's people list
 * (li[data-actor]: the name and link in .person-name, the role in .role): no requests. Escape closes the
 * card (WCAG 1.4.13: dismissible, hoverable, persistent).
 */
(function () {
  "use strict";

  var people = {};
  var items = document.querySelectorAll(".people-list [data-actor]");
  for (var i = 0; i < items.length; i++) {
    var li = items[i];
    var nameLink = li.querySelector(".person-name");
    var role = li.querySelector(".role");
    people[li.getAttribute("data-actor")] = {
      name: nameLink ? nameLink.textContent.trim() : li.textContent.trim(),
      role: role ? role.textContent.trim() : "",
      type: li.getAttribute("data-type") || "",
      url: nameLink ? nameLink.getAttribute("href") : "",
      image: li.getAttribute("data-image") || ""
    };
  }
  var mentions = document.querySelectorAll(".e-content a[data-actor]");
  if (!mentions.length || !Object.keys(people).length) return;

  var card = document.createElement("div");
  card.id = "actor-card";
  card.className = "actor-card-popup";
  card.setAttribute("role", "tooltip");
  card.hidden = true;
  var photo = document.createElement("img");
  photo.className = "card-photo";
  photo.width = 48;
  photo.height = 48;
  photo.hidden = true;
  var nameEl = document.createElement("p");
  nameEl.className = "card-name";
  var roleEl = document.createElement("p");
  roleEl.className = "card-role";
  var linkP = document.createElement("p");
  linkP.className = "card-link";
  var link = document.createElement("a");
  link.tabIndex = -1; // the mention itself is the keyboard route to the same page
  link.href = mentions[0].href; // never a link without href (crawlers and Lighthouse's SEO audit flag one)
  linkP.appendChild(link);
  card.appendChild(photo);
  card.appendChild(nameEl);
  card.appendChild(roleEl);
  card.appendChild(linkP);
  document.body.appendChild(card);

  var current = null;
  var hideTimer = null;

  function show(anchor) {
    var person = people[anchor.getAttribute("data-actor")];
    if (!person) return;
    clearTimeout(hideTimer);
    if (current && current !== anchor) current.removeAttribute("aria-describedby");
    current = anchor;
    nameEl.textContent = person.name;
    photo.hidden = !person.image;
    if (person.image) {
      photo.src = person.image;
      photo.alt = "Photo of " + person.name;
    }
    roleEl.textContent = person.role || (person.type === "organization" ? "Organization" : "");
    roleEl.hidden = !roleEl.textContent;
    link.textContent = "Profile of " + person.name;
    link.href = person.url || anchor.href;
    anchor.setAttribute("aria-describedby", card.id);
    card.hidden = false;
    place(anchor);
  }

  function place(anchor) {
    var rect = anchor.getBoundingClientRect();
    var docEl = document.documentElement;
    var width = card.offsetWidth;
    var left = rect.left + window.scrollX;
    var maxLeft = window.scrollX + docEl.clientWidth - width - 8;
    left = Math.max(window.scrollX + 8, Math.min(left, maxLeft));
    var top = rect.bottom + window.scrollY + 6;
    if (rect.bottom + card.offsetHeight + 12 > docEl.clientHeight && rect.top > card.offsetHeight + 12) {
      top = rect.top + window.scrollY - card.offsetHeight - 6; // no room below: open above
    }
    card.style.left = left + "px";
    card.style.top = top + "px";
  }

  function hide() {
    clearTimeout(hideTimer);
    card.hidden = true;
    if (current) current.removeAttribute("aria-describedby");
    current = null;
  }

  function hideSoon() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, 200); // time to move the pointer onto the card
  }

  for (var j = 0; j < mentions.length; j++) {
    var a = mentions[j];
    a.addEventListener("mouseenter", function (e) { show(e.currentTarget); });
    a.addEventListener("focus", function (e) { show(e.currentTarget); });
    a.addEventListener("mouseleave", hideSoon);
    a.addEventListener("blur", function () {
      if (!card.matches(":hover")) hide();
    });
  }
  card.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
  card.addEventListener("mouseleave", hideSoon);
  document.addEventListener("keydown", function (e) {
    if ((e.key === "Escape" || e.key === "Esc") && !card.hidden) {
      hide();
    }
  });
  window.addEventListener("resize", function () { if (current && !card.hidden) place(current); });
})();
