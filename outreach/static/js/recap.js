// The WhatsApp recap page: "Salin" copies the text, "Bagikan" opens the phone's share sheet (Web Share API).
// A file (not inline) so the Content-Security-Policy can forbid inline scripts.
(function () {
  "use strict";
  var text = document.getElementById("recap-text");
  if (!text) return;
  var copy = document.querySelector("[data-recap-copy]");
  var share = document.querySelector("[data-recap-share]");
  if (copy) {
    copy.addEventListener("click", function () {
      var done = function () {
        copy.textContent = copy.getAttribute("data-done") || copy.textContent;
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text.value).then(done);
      } else {
        text.select();
        document.execCommand("copy");
        done();
      }
    });
  }
  if (share && navigator.share) {
    share.classList.remove("d-none");
    share.addEventListener("click", function () {
      navigator.share({ text: text.value }).catch(function () {});
    });
  }
})();
