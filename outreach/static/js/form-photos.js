/* Photos on the activity form (issue 14): each photo is made smaller on the phone before it is sent (a canvas,
   at most 1600 px on the long side, JPEG), shown with a caption box and a Remove button. The file input keeps
   the resized files (DataTransfer), so the form posts them as before; the captions go as photo_caption in the
   same order. If the server refuses the form, it holds the photos it received and shows them again (pending). */
(function () {
  "use strict";
  var form = document.querySelector("[data-activity-form]");
  var input = form && form.querySelector(".js-photos");
  var previews = form && form.querySelector("[data-photo-previews]");
  if (!input || !previews || typeof DataTransfer === "undefined") { return; }
  var LONG_SIDE = 1600;
  var kept = [];  // {file, caption, url}

  function resize(file) {
    if (!/^image\/(jpeg|png|webp)$/.test(file.type) || typeof createImageBitmap !== "function") {
      return Promise.resolve(file);
    }
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
      if (scale === 1 && file.type === "image/jpeg" && file.size < 900 * 1024) { return file; }
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      var context = canvas.getContext("2d");
      context.fillStyle = "#fff";  // a transparent PNG becomes a JPEG on white, not on black
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob) { resolve(file); return; }
          var name = file.name.replace(/\.[^.]+$/, "") + ".jpg";
          resolve(new File([blob], name, { type: "image/jpeg", lastModified: file.lastModified }));
        }, "image/jpeg", 0.85);
      });
    }).catch(function () { return file; });
  }

  function sync() {
    var dt = new DataTransfer();
    kept.forEach(function (k) { dt.items.add(k.file); });
    input.files = dt.files;
    render();
    var pending = form.querySelectorAll("[data-pending-photo]").length -
      form.querySelectorAll("input[name=pending_drop]:checked").length;
    var total = form.querySelector("[data-total='photos']");
    if (total) { total.textContent = String(kept.length + pending); }
  }

  function render() {
    while (previews.firstChild) { previews.removeChild(previews.firstChild); }
    kept.forEach(function (k, i) {
      var col = document.createElement("div");
      col.className = "col-6 col-md-3";
      col.setAttribute("data-testid", "photo-preview");
      var img = document.createElement("img");
      img.className = "img-fluid rounded border mb-1";
      img.alt = k.file.name;
      img.src = k.url;
      var label = document.createElement("label");
      label.className = "form-label small";
      label.htmlFor = "photo-caption-" + i;
      label.textContent = previews.getAttribute("data-caption-label");
      var caption = document.createElement("input");
      caption.className = "form-control form-control-sm";
      caption.id = "photo-caption-" + i;
      caption.name = "photo_caption";
      caption.maxLength = 300;
      caption.value = k.caption;
      caption.addEventListener("input", function () { k.caption = caption.value; });
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn btn-outline-danger btn-sm mt-1";
      remove.textContent = previews.getAttribute("data-remove-label");
      remove.addEventListener("click", function () {
        URL.revokeObjectURL(k.url);
        kept.splice(kept.indexOf(k), 1);
        sync();
      });
      col.appendChild(img);
      col.appendChild(label);
      col.appendChild(caption);
      col.appendChild(remove);
      previews.appendChild(col);
    });
  }

  input.addEventListener("change", function () {
    var chosen = Array.prototype.slice.call(input.files || []);
    if (!chosen.length) { sync(); return; }
    input.disabled = true;
    Promise.all(chosen.map(resize)).then(function (files) {
      files.forEach(function (file) { kept.push({ file: file, caption: "", url: URL.createObjectURL(file) }); });
      input.disabled = false;
      sync();
    });
  });
  form.addEventListener("change", function (event) {
    if (event.target.name === "pending_drop") { sync(); }
  });
})();
