// Review queue keyboard: 1–9 pick a suggestion, "/" searches all categories, "s" skips (and
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
      var search = document.getElementById('review:search');
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
