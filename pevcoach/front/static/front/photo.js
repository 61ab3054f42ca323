/* Shrink a photo on the phone before it is sent: at most 200 KB, so evidence
   costs little mobile data. Works on any <input type=file data-shrink>. */
(function () {
  "use strict";
  var LIMIT = 200 * 1024;

  function toBlob(canvas, quality) {
    return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", quality); });
  }

  async function shrink(file) {
    if (file.size <= LIMIT && /^image\/(jpeg|png|webp)$/.test(file.type)) return file;
    var bitmap = await createImageBitmap(file);
    var side = 1280, quality = 0.8, blob;
    do {
      var scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      blob = await toBlob(canvas, quality);
      side = Math.round(side * 0.75);
      quality = Math.max(0.5, quality - 0.1);
    } while (blob.size > LIMIT && side > 200);
    return new File([blob], "photo.jpg", { type: "image/jpeg" });
  }

  window.pevShrinkPhoto = shrink;
  document.addEventListener("change", async function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-shrink]") || !input.files.length) return;
    try {
      var small = await shrink(input.files[0]);
      var list = new DataTransfer();
      list.items.add(small);
      input.files = list.files;
    } catch (err) {
      /* Not an image the browser can read: the server says so in plain words. */
    }
  });
})();
