"""The product editor's photo gallery: upload (drop or pick, several at once, with
progress), reorder (drag, or the arrow buttons from the keyboard), cover, label, delete.

The product is always the one the editor loaded from the signed-in seller's own schema
(`ProductEditorState.product_id`, set by the server); photo ids the browser sends are
checked by the photo service against that product, inside that seller's schema.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx
from reflex.event import EventSpec, no_args_event_spec

from stoflow.api.upload_guard import accept_uploads
from stoflow.catalog import photos as gallery
from stoflow.catalog import products as catalog
from stoflow.components.browser_auth import api_base
from stoflow.components.shell import empty_state
from stoflow.db.tenancy import tenant_session
from stoflow.i18n import MESSAGES, t, tr
from stoflow.photos.processing import MAX_PHOTO_BYTES, MAX_PHOTOS_PER_PRODUCT, PhotoRejected
from stoflow.state.language import LanguageState
from stoflow.state.session import SessionState
from stoflow.storage import get_storage

log = logging.getLogger(__name__)

UPLOAD_ID = "photo-upload"
ACCEPTED_TYPES = {
    "image/jpeg": [".jpg", ".jpeg"],
    "image/png": [".png"],
    "image/webp": [".webp"],
    "image/heic": [".heic"],
    "image/heif": [".heif"],
}
# What react-dropzone says about a file it refused before sending it.
_DROPZONE_CODES = {
    "file-too-large": "photo_too_large",
    "file-invalid-type": "photo_type_not_allowed",
    "too-many-files": "photo_limit_reached",
}
_LATE_PROGRESS_S = 3.0  # progress events this soon after an upload ended are stale
_MAX_NAME = 80  # of a file name quoted in a message


def _file_name(name: object) -> str:
    text = str(name or "").replace("\n", " ").strip() or "?"
    return text if len(text) <= _MAX_NAME else text[: _MAX_NAME - 1] + "…"


def _photo_id(raw: object) -> int | None:
    """A photo id sent by the browser, as an int (None when it is not one)."""
    text = str(raw).strip()
    return int(text) if text.isdigit() and len(text) < 12 else None


def _store_uploads(user_id: int, product_id: int, uploads: list[rx.UploadFile]) -> tuple[int, list[tuple[str, str]]]:
    """Add each upload as a photo, one transaction each; (how many were added, [(file name, refusal code)]).

    Runs in a worker thread: decoding and resizing photos must not stall the event loop.
    """
    storage = get_storage()
    added, refused = 0, []
    for upload in uploads:
        name = _file_name(getattr(upload, "name", None))
        written: list[str] = []
        try:
            data = upload.file.read(MAX_PHOTO_BYTES + 1)  # more than the limit is refused unread
            with tenant_session(user_id) as db:
                photo = gallery.add_photo(db, storage, user_id=user_id, product_id=product_id, data=data, filename=name)
                written = [photo.full_key, photo.thumb_key]
            added += 1
        except PhotoRejected as rejection:
            refused.append((name, rejection.code))
        except catalog.ProductError as refusal:
            refused.append((name, refusal.code))
        except Exception:
            # The row was not saved (e.g. the commit failed): its files must not stay behind.
            log.exception("Storing the uploaded photo %r of product %s failed", name, product_id)
            for key in written:
                storage.delete(key)
            refused.append((name, "internal_error"))
    return added, refused


class ProductPhotosState(rx.State):
    # id, thumb, full (signed paths), is_label / cover ("1" or ""), position
    photos: list[dict[str, str]] = []
    uploading: bool = False
    progress: int = 0
    # The photo being dragged (an id from `photos`, which the server filled): server-side only.
    _dragging: str = ""
    _finished_at: float = 0.0  # when the last upload handler ended (time.time)

    @rx.var
    def has_pictures(self) -> bool:
        """A photo the AI may see: one that is not the care label."""
        return any(not photo.get("is_label") for photo in self.photos)

    async def _user_id(self) -> int | None:
        identity = (await self.get_state(SessionState))._identity()
        return identity.user_id if identity else None

    async def _editor(self) -> Any:
        # Imported here: the editor page imports this module to show the gallery.
        from stoflow.pages.product_editor import ProductEditorState

        return await self.get_state(ProductEditorState)

    async def _product_id(self) -> int:
        """The product the editor loaded from this seller's schema (0: not saved yet)."""
        return int((await self._editor()).product_id)

    async def _language(self) -> str:
        return (await self.get_state(LanguageState)).lang

    async def _refresh(self, user_id: int, product_id: int) -> None:
        """Read the gallery again, and what the editor says publishing still needs."""
        editor = await self._editor()
        photos: list[dict[str, str]] = []
        try:
            with tenant_session(user_id) as db:
                product = catalog.get_product(db, product_id)
                views = gallery.views(db, user_id, product_id)
                editor.problems = catalog.publish_problems_of(product, catalog.photo_count(db, product_id))
        except catalog.ProductError:
            views = []
        except ValueError:  # a stored key outside the seller's folder: show nothing rather than fail
            log.exception("The gallery of product %s of user %s cannot be signed", product_id, user_id)
            views = []
        cover_shown = False
        for view in views:
            cover = not view.is_label and not cover_shown
            cover_shown = cover_shown or cover
            photos.append(
                {
                    "id": str(view.id),
                    "thumb": view.thumb_url,
                    "full": view.full_url,
                    "is_label": "1" if view.is_label else "",
                    "cover": "1" if cover else "",
                    "position": str(view.position),
                }
            )
        self.photos = photos

    @rx.event
    async def load(self) -> None:
        self.uploading, self.progress, self._dragging = False, 0, ""
        user_id = await self._user_id()
        product_id = await self._product_id()
        if user_id is None or not product_id:
            self.photos = []
            return
        await self._refresh(user_id, product_id)

    @rx.event
    async def set_progress(self, progress: dict[str, Any]) -> None:
        """The browser's sending progress. It arrives by the websocket while the files go by HTTP,
        so a late one may come after the upload handler has finished: those are ignored."""
        if await self._user_id() is None:
            return
        try:
            fraction = float(progress.get("progress", 0)) if isinstance(progress, dict) else 0.0
        except (TypeError, ValueError):
            fraction = 0.0
        if fraction >= 1 or time.time() - self._finished_at < _LATE_PROGRESS_S:
            return  # sent: the upload handler shows the rest
        self.uploading = True
        self.progress = max(0, min(99, round(fraction * 100)))

    @rx.event
    async def upload(self, files: list[rx.UploadFile]) -> AsyncIterator[EventSpec | list[EventSpec] | None]:
        user_id = await self._user_id()
        language = await self._language()
        product_id = await self._product_id() if user_id is not None else 0
        uploads = [upload for upload in (files if isinstance(files, list) else []) if isinstance(upload, rx.UploadFile)]
        if user_id is None or not product_id or not uploads:
            self.uploading, self.progress, self._finished_at = False, 0, time.time()
            if user_id is None:
                yield rx.toast.error(tr(language, "permission_denied"))
            elif not product_id:
                yield rx.toast.error(tr(language, "photos.save_first"))
            return
        self.uploading, self.progress = True, 100
        yield None  # the bar stays full while the photos are checked and resized
        try:
            added, refused = await asyncio.to_thread(_store_uploads, user_id, product_id, uploads)
        finally:
            self.uploading, self.progress, self._finished_at = False, 0, time.time()
        await self._refresh(user_id, product_id)
        toasts: list[EventSpec] = []
        if added:
            toasts.append(rx.toast.success(f"{tr(language, 'photos.added')}: {added}"))
        if refused:
            lines = "\n".join(f"{name}: {tr(language, code)}" for name, code in refused)
            toasts.append(
                rx.toast.error(
                    f"{tr(language, 'photos.refused')}: {len(refused)}",
                    description=lines,
                    duration=12_000,
                    close_button=True,
                    style={"white_space": "pre-line"},
                )
            )
        yield toasts

    @rx.event
    async def files_refused(self, rejected: list[dict[str, Any]]) -> EventSpec | None:
        """Files the drop zone refused before sending them (type, size, too many): [{name, code}]."""
        if await self._user_id() is None:
            return None
        language = await self._language()
        lines = []
        for item in (rejected if isinstance(rejected, list) else [])[: MAX_PHOTOS_PER_PRODUCT * 2]:
            if isinstance(item, dict):
                code = _DROPZONE_CODES.get(str(item.get("code", "")), "photo_type_not_allowed")
                lines.append(f"{_file_name(item.get('name'))}: {tr(language, code)}")
        if not lines:
            return None
        return rx.toast.error(
            f"{tr(language, 'photos.refused')}: {len(lines)}",
            description="\n".join(lines),
            duration=12_000,
            close_button=True,
            style={"white_space": "pre-line"},
        )

    async def _change(self, photo_id: object, change: Any, done_key: str) -> EventSpec | None:
        """Run `change(db, product_id, photo_id)` on this seller's product, then reload the gallery."""
        user_id = await self._user_id()
        language = await self._language()
        if user_id is None:
            return rx.toast.error(tr(language, "permission_denied"))
        product_id = await self._product_id()
        photo = _photo_id(photo_id)
        if not product_id:
            return rx.toast.error(tr(language, "photos.save_first"))
        if photo is None:
            return rx.toast.error(tr(language, "photo_not_found"))
        refusal = None
        try:
            with tenant_session(user_id) as db:
                change(db, product_id, photo)
        except catalog.ProductError as refused:
            refusal = refused.code if refused.code in MESSAGES else "photo_not_found"
        await self._refresh(user_id, product_id)
        if refusal is not None:
            return rx.toast.error(tr(language, refusal))
        return rx.toast.success(tr(language, done_key))

    @rx.event
    async def make_cover(self, photo_id: str) -> EventSpec | None:
        return await self._change(photo_id, gallery.make_cover, "photos.cover_set")

    @rx.event
    async def toggle_label(self, photo_id: str) -> EventSpec | None:
        # Whether it is the label now is read from the seller's rows, not from the page.
        flagged: list[bool] = []

        def toggle(db: Any, product_id: int, photo: int) -> None:
            current = {row.id: row.is_label for row in gallery.photos_of(db, product_id)}
            if photo not in current:
                raise catalog.ProductError("photo_not_found")
            gallery.set_label(db, product_id, photo, not current[photo])
            flagged.append(not current[photo])

        outcome = await self._change(photo_id, toggle, "photos.label_set")
        if flagged == [False]:
            return rx.toast.success(tr(await self._language(), "photos.label_unset"))
        return outcome

    @rx.event
    async def move(self, photo_id: str, step: int) -> EventSpec | None:
        """Move one place left (step < 0) or right (step > 0)."""
        offset = -1 if _step(step) < 0 else 1

        def shift(db: Any, product_id: int, photo: int) -> None:
            order = [row.id or 0 for row in gallery.photos_of(db, product_id)]
            if photo not in order:
                raise catalog.ProductError("photo_not_found")
            index = order.index(photo)
            target = max(0, min(len(order) - 1, index + offset))
            order.insert(target, order.pop(index))
            gallery.reorder(db, product_id, order)

        return await self._change(photo_id, shift, "photos.reordered")

    @rx.event
    async def delete(self, photo_id: str) -> EventSpec | None:
        storage = get_storage()
        return await self._change(
            photo_id,
            lambda db, product_id, photo: gallery.delete_photo(db, storage, product_id, photo),
            "photos.deleted",
        )

    @rx.event
    async def start_drag(self, photo_id: str) -> None:
        if await self._user_id() is None:
            return
        known = {photo["id"] for photo in self.photos}
        self._dragging = str(photo_id) if str(photo_id) in known else ""

    @rx.event
    async def end_drag(self) -> None:
        self._dragging = ""

    @rx.event
    async def drop_on(self, photo_id: str) -> EventSpec | None:
        """Put the dragged photo where `photo_id` is (the others shift)."""
        dragged, self._dragging = self._dragging, ""
        target = _photo_id(photo_id)
        if not dragged or target is None or dragged == str(target):
            return None
        moving = _photo_id(dragged)

        def place(db: Any, product_id: int, photo: int) -> None:
            order = [row.id or 0 for row in gallery.photos_of(db, product_id)]
            if photo not in order or moving not in order:
                raise catalog.ProductError("photo_not_found")
            index = order.index(photo)
            order.remove(moving)
            order.insert(index, moving)
            gallery.reorder(db, product_id, order)

        return await self._change(target, place, "photos.reordered")


# At most a product's worth of photos in one request, refused at the door beyond.
accept_uploads(ProductPhotosState.upload, max_bytes=MAX_PHOTOS_PER_PRODUCT * MAX_PHOTO_BYTES)


def _step(step: object) -> int:
    try:
        return int(str(step))
    except ValueError:
        return 0


class _PhotoTile(rx.el.Div):
    """A div the photos can be dragged from and dropped onto (HTML5 drag and drop)."""

    on_drag_start: rx.EventHandler[no_args_event_spec]
    on_drag_end: rx.EventHandler[no_args_event_spec]
    on_drag_over: rx.EventHandler[no_args_event_spec]
    on_drop: rx.EventHandler[no_args_event_spec]


def _action(icon: str, label_key: str, class_name: str, on_click: Any, **props: Any) -> rx.Component:
    return rx.tooltip(
        rx.icon_button(
            rx.icon(icon, size=14),
            size="1",
            variant="soft",
            type="button",
            aria_label=t(label_key),
            class_name=class_name,
            on_click=on_click,
            **props,
        ),
        content=t(label_key),
    )


def _delete_button(photo: Any) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.icon_button(
                rx.icon("trash-2", size=14),
                size="1",
                variant="soft",
                color_scheme="red",
                type="button",
                aria_label=t("photos.delete"),
                title=t("photos.delete"),
                class_name="photo-delete",
            )
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title(t("photos.delete_title")),
            rx.alert_dialog.description(t("photos.delete_confirm"), size="2"),
            rx.flex(
                rx.alert_dialog.cancel(rx.button(t("account.cancel"), variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        t("photos.delete"),
                        color_scheme="red",
                        on_click=ProductPhotosState.delete(photo["id"]),
                        id="photo-delete-confirm",
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
            max_width="420px",
        ),
    )


def _tile(photo: Any, index: Any) -> rx.Component:
    is_label = photo["is_label"] == "1"
    is_cover = photo["cover"] == "1"
    last = ProductPhotosState.photos.length() - 1
    badges = rx.hstack(
        rx.cond(
            is_cover, rx.badge(t("photos.cover"), color_scheme="green", variant="solid", class_name="photo-badge-cover")
        ),
        rx.cond(
            is_label, rx.badge(t("photos.label"), color_scheme="amber", variant="solid", class_name="photo-badge-label")
        ),
        spacing="1",
        position="absolute",
        top="6px",
        left="6px",
    )
    return _PhotoTile.create(
        rx.box(
            rx.image(
                src=f"{api_base()}" + photo["thumb"],
                alt=t("photos.alt"),
                width="100%",
                height="100%",
                object_fit="cover",
                loading="lazy",
                draggable=False,
                class_name="photo-thumb",
            ),
            badges,
            position="relative",
            width="100%",
            aspect_ratio="1",
            overflow="hidden",
            border_radius="8px",
            bg=rx.color("gray", 3),
        ),
        rx.hstack(
            _action(
                "arrow-left",
                "photos.move_left",
                "photo-left",
                ProductPhotosState.move(photo["id"], -1),
                disabled=index == 0,
            ),
            _action(
                "arrow-right",
                "photos.move_right",
                "photo-right",
                ProductPhotosState.move(photo["id"], 1),
                disabled=index == last,
            ),
            _action(
                "star",
                "photos.make_cover",
                "photo-cover",
                ProductPhotosState.make_cover(photo["id"]),
                disabled=is_cover | is_label,
            ),
            rx.tooltip(
                rx.icon_button(
                    rx.icon("tag", size=14),
                    size="1",
                    variant=rx.cond(is_label, "solid", "soft"),
                    color_scheme="amber",
                    type="button",
                    aria_label=rx.cond(is_label, t("photos.unmark_label"), t("photos.mark_label")),
                    aria_pressed=rx.cond(is_label, "true", "false"),
                    class_name="photo-label",
                    on_click=ProductPhotosState.toggle_label(photo["id"]),
                ),
                content=rx.cond(is_label, t("photos.unmark_label"), t("photos.mark_label")),
            ),
            rx.spacer(),
            _delete_button(photo),
            spacing="1",
            width="100%",
            padding_top="6px",
        ),
        class_name="photo-tile",
        draggable=True,
        custom_attrs={"data-photo-id": photo["id"], "data-label": photo["is_label"], "data-cover": photo["cover"]},
        on_drag_start=ProductPhotosState.start_drag(photo["id"]),
        on_drag_end=ProductPhotosState.end_drag,
        on_drag_over=rx.prevent_default,
        on_drop=ProductPhotosState.drop_on(photo["id"]).prevent_default,
        cursor="grab",
        width="100%",
    )


def _names_and_codes(rejected: rx.Var) -> rx.Var:
    """react-dropzone's refusals as [{name, code}]: a File object does not survive the trip as JSON."""
    return rx.Var(
        f"({rejected}).map((r) => ({{name: String(r.file?.name ?? ''), code: String(r.errors?.[0]?.code ?? '')}}))"
    ).to(list[dict[str, str]])


def _upload_zone() -> rx.Component:
    return rx.upload.root(
        rx.vstack(
            rx.center(
                rx.icon("image-plus", size=22, color=rx.color("accent", 11)),
                bg=rx.color("accent", 3),
                padding="10px",
                border_radius="9999px",
            ),
            rx.text(t("photos.drop"), weight="medium", size="2", text_align="center"),
            rx.text(t("photos.types"), size="1", color=rx.color("gray", 11), text_align="center"),
            align="center",
            spacing="2",
        ),
        id=UPLOAD_ID,
        multiple=True,
        accept=ACCEPTED_TYPES,
        max_files=MAX_PHOTOS_PER_PRODUCT,
        max_size=MAX_PHOTO_BYTES,
        on_drop=ProductPhotosState.upload(
            rx.upload_files(upload_id=UPLOAD_ID, on_upload_progress=ProductPhotosState.set_progress)
        ),
        on_drop_rejected=lambda rejected: ProductPhotosState.files_refused(_names_and_codes(rejected)),
        border=f"2px dashed {rx.color('gray', 7)}",
        border_radius="12px",
        padding="20px",
        width="100%",
        cursor="pointer",
        bg=rx.color("gray", 2),
        drag_active_style={"border_color": rx.color("accent", 9), "background": rx.color("accent", 3)},
    )


def photo_gallery() -> rx.Component:
    """The editor's photo card; loads its own gallery when shown."""
    from stoflow.pages.product_editor import ProductEditorState  # the editor imports this module

    return rx.card(
        rx.vstack(
            rx.heading(t("photos.title"), size="4"),
            rx.cond(
                (ProductEditorState.product_id > 0) & ~ProductEditorState.opening,
                rx.vstack(
                    _upload_zone(),
                    rx.cond(
                        ProductPhotosState.uploading,
                        rx.vstack(
                            rx.text(t("photos.uploading"), size="1", color=rx.color("gray", 11)),
                            rx.progress(value=ProductPhotosState.progress, max=100, width="100%", id="photo-progress"),
                            spacing="1",
                            width="100%",
                        ),
                    ),
                    rx.cond(
                        ProductPhotosState.photos.length() > 0,
                        rx.vstack(
                            rx.grid(
                                rx.foreach(ProductPhotosState.photos, _tile),
                                grid_template_columns="repeat(auto-fill, minmax(148px, 1fr))",
                                spacing="3",
                                width="100%",
                                id="photo-grid",
                            ),
                            rx.text(t("photos.drag_hint"), size="1", color=rx.color("gray", 11)),
                            spacing="2",
                            width="100%",
                        ),
                        empty_state("images", "photos.empty_title", "photos.empty"),
                    ),
                    rx.callout(t("photos.label_note"), icon="tag", size="1", color_scheme="amber", variant="surface"),
                    spacing="3",
                    width="100%",
                ),
                rx.cond(
                    ProductEditorState.opening,
                    rx.hstack(rx.spinner(size="2"), rx.text(t("photos.opening"), size="2"), align="center"),
                    rx.callout(t("photos.save_first"), icon="info", size="1", id="photos-save-first"),
                ),
            ),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
        id="photo-gallery",
        on_mount=ProductPhotosState.load,
    )
