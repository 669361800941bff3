// Review queue keyboard: 1–9 pick a suggestion, "/" searches all categories (a PrimeFaces
// autoComplete: Enter picks the highlighted category and resolves), "s" skips (and
// releases the claim), "n" takes the next task, "a" marks the question ambiguous and "c" as needing
// a new category: both first move to the note field; Enter there saves the mark, Escape cancels.
// Other keys typed into a field are left alone (Escape leaves the field).
(function () {
  var pendingMark = null;

  function note() {
    return document.getElementById('review:note');
  }

  function hint(text) {
    var h = document.getElementById('markHint');
    if (h) {
      h.textContent = text || '';
    }
  }

  // Capture phase, before the category search's own handler: Enter while its suggestions are not
  // yet those of the text typed (a query is waiting or on its way) would pick a stale highlighted
  // suggestion, so it resolves the typed text instead (exact name, or the one name containing it).
  document.addEventListener('keydown', function (e) {
    if (e.key !== 'Enter' || !e.target || e.target.id !== 'review:search_input') {
      return;
    }
    var w = window.PrimeFaces && PrimeFaces.widgets['categorySearch'];
    if (w && (w.timeout || w.querying)) {
      e.preventDefault();
      e.stopPropagation();
      w.deleteTimeout();
      w.hide();
      e.target.blur(); // see leaveCategorySearch
      var resolve = document.getElementById('review:resolveSearch');
      if (resolve && !resolve.disabled) {
        resolve.click();
      }
    }
  }, true);

  // After a category was picked in the search: PrimeFaces would put the focus back into the
  // re-rendered search box (same id), where the next task's keys (1–9, s, n) would be typed as
  // text. Called when the pick's request completes.
  window.qcatLeaveCategorySearch = function () {
    var search = document.getElementById('review:search_input');
    if (search && document.activeElement === search) {
      search.blur();
    }
  };

  // Capture phase: runs before PrimeFaces' default command (Enter → Resolve) on the form.
  document.addEventListener('keydown', function (e) {
    var n = note();
    if (!n || e.target !== n) {
      return;
    }
    if (e.key === 'Enter') {
      e.preventDefault();
      e.stopPropagation();
      var button = document.querySelector('#review [data-mark="' + (pendingMark || 'a') + '"]');
      pendingMark = null;
      if (button && !button.disabled) {
        button.click();
      }
    } else if (e.key === 'Escape') {
      pendingMark = null;
      hint('');
    }
  }, true);

  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.altKey || e.metaKey) {
      return;
    }
    var t = e.target;
    var typing = t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
    if (typing) {
      if (e.key === 'Escape') {
        t.blur();
      }
      return;
    }
    if (e.key === '/') {
      var search = document.getElementById('review:search_input');
      if (search) {
        e.preventDefault();
        search.focus();
      }
      return;
    }
    if (e.key === 'a' || e.key === 'c') {
      var mark = document.querySelector('#review [data-mark="' + e.key + '"]');
      var field = note();
      if (mark && field) {
        e.preventDefault();
        pendingMark = e.key;
        hint(mark.getAttribute('data-hint') || mark.textContent);
        field.focus();
      }
      return;
    }
    var button = document.querySelector('#review [data-key="' + e.key + '"]');
    if (button && !button.disabled) {
      e.preventDefault();
      button.click();
    }
  });
})();
