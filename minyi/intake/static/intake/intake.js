// 重复诉求 panel in the console's intake form (minyi/intake): 作为新诉求 marks the call as new (the
// candidates are recorded on save); 按重复诉求不予受理 fills the form's refusal with the reason
// "duplicate" and a basis naming the master, for the operator to check and save.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    const button = event.target.closest("#dup-candidates button");
    if (!button) return;
    const form = button.closest("form");
    if (!form) return;
    if (button.classList.contains("dup-new")) {
      const flag = form.querySelector("#dup-new");
      if (flag) flag.value = "1";
      const panel = document.getElementById("dup-candidates");
      if (panel) panel.dataset.dismissed = "1";
      button.textContent = "已选择：作为新诉求";
      return;
    }
    if (button.classList.contains("dup-note")) {
      const note = form.querySelector('textarea[name="note"], input[name="note"]');
      if (note) {
        const line = "疑似与工单 " + button.dataset.number + " 重复，请派单员核实并单。";
        if (note.value.indexOf(line) < 0) note.value = (note.value ? note.value + "\n" : "") + line;
        note.focus();
      }
      return;
    }
    if (button.classList.contains("dup-reject")) {
      const reject = form.querySelector('input[name="decision"][value="reject"]');
      if (reject) reject.checked = true;
      const reason = form.querySelector('select[name="reason"]');
      if (reason && button.dataset.reason) reason.value = button.dataset.reason;
      const basis = form.querySelector('textarea[name="basis"]');
      if (basis) {
        basis.value = "与工单 " + button.dataset.number + " 为同一事项，该事项已受理，本次来电无新情况、新理由。";
        basis.focus();
      }
    }
  });
})();
