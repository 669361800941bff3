// Review queue keyboard: 1–9 pick a suggestion, "/" searches all categories, "s" skips,
// "n" takes the next task. Keys typed into a field are left alone (Escape leaves the field).
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
  var button = document.querySelector('#review [data-key="' + e.key + '"]');
  if (button && !button.disabled) {
    e.preventDefault();
    button.click();
  }
});
