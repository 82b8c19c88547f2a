"""The organization's signature on its letters (SPEC section 6 and 8): PAdES with pyHanko.

Production loads a PKCS#12 archive (SIGNING_PKCS12_PATH) or a PEM/DER key and certificate
(SIGNING_KEY_PATH, SIGNING_CERT_PATH). On a development machine, when neither exists, an EC P-256
key and a self-signed certificate are generated on first use (EC: a smaller signature and a
faster one than RSA). A letter's signature takes about 5 ms with the signed attribute cached
below."""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import fcntl
import hashlib
import logging
import os
import threading
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.attributes import CMSAttributeProvider, SignedAttributeProviderSpec
from pyhanko.sign.general import as_signing_certificate_v2, simple_cms_attribute
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

logger = logging.getLogger(__name__)

SIGNATURE_FIELD = "IMRDeskSignature"
DEV_CERTIFICATE_YEARS = 10

_lock = threading.Lock()
_cached: dict[str, object] = {}


@dataclass(frozen=True)
class SigningMaterial:
    signer: object  # pyhanko SimpleSigner
    certificate: object  # asn1crypto x509.Certificate
    fingerprint: str  # SHA-256 of the certificate's DER bytes
    # Room for the signature in the PDF (hex characters). Given, pyHanko skips the dummy
    # signature it otherwise makes to size it: half the signing time.
    bytes_reserved: int


@dataclass(frozen=True)
class SignatureCheck:
    """What a PDF's embedded signature says, judged against our certificate."""

    signed: bool  # has a signature at all
    intact: bool  # the signed bytes were not changed
    valid: bool  # the cryptographic signature checks out
    trusted: bool  # it chains to our certificate
    covers_whole_file: bool  # nothing was appended after signing
    ours: bool  # made with our signing certificate
    signer_name: str
    problem: str  # empty when everything holds

    @property
    def ok(self) -> bool:
        return (
            self.signed and self.intact and self.valid and self.trusted and self.covers_whole_file
        )


def _path(value) -> Path | None:
    return Path(value) if value else None


def _generate_dev_pair(key_path: Path, cert_path: Path) -> None:
    """An EC P-256 key and a self-signed certificate for development. Written under an exclusive
    lock so two worker processes starting together make one pair, not two."""

    key_path.parent.mkdir(parents=True, exist_ok=True)
    with open(key_path.parent / ".generate.lock", "w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        if key_path.exists() and cert_path.exists():
            return
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, settings.SIGNING_DEV_SUBJECT),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, settings.SIGNING_DEV_SUBJECT),
                x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
                x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "California"),
            ]
        )
        now = dt.datetime.now(dt.UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365 * DEV_CERTIFICATE_YEARS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
            .sign(key, hashes.SHA256())
        )
        key_bytes = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        # Write to temporary names and rename: a reader never sees half a file.
        tmp_key = key_path.with_suffix(".tmp")
        with open(os.open(tmp_key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
            out.write(key_bytes)
        tmp_cert = cert_path.with_suffix(".tmp")
        tmp_cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        os.replace(tmp_key, key_path)
        os.replace(tmp_cert, cert_path)
        logger.warning(
            "Generated a development signing key and self-signed certificate in %s. Configure "
            "SIGNING_PKCS12_PATH or SIGNING_KEY_PATH/SIGNING_CERT_PATH in production.",
            key_path.parent,
        )


def _load() -> SigningMaterial:

    pkcs12_path = _path(settings.SIGNING_PKCS12_PATH)
    if pkcs12_path is not None:
        password = settings.SIGNING_PKCS12_PASSWORD
        try:
            signer = signers.SimpleSigner.load_pkcs12_data(
                pkcs12_path.read_bytes(),
                other_certs=[],
                passphrase=password.encode() if password else None,
            )
        except (OSError, ValueError) as exc:
            raise ImproperlyConfigured(
                f"The signing archive {pkcs12_path} could not be loaded: {exc}"
            ) from exc
    else:
        key_path = _path(settings.SIGNING_KEY_PATH)
        cert_path = _path(settings.SIGNING_CERT_PATH)
        if key_path is None or cert_path is None:
            raise ImproperlyConfigured(
                "Set SIGNING_PKCS12_PATH, or SIGNING_KEY_PATH and SIGNING_CERT_PATH."
            )
        if not (key_path.exists() and cert_path.exists()):
            if not settings.SIGNING_DEV_CERTIFICATE:
                raise ImproperlyConfigured(
                    f"No signing key at {key_path} or certificate at {cert_path}; a development "
                    "certificate is only generated when SIGNING_DEV_CERTIFICATE is on."
                )
            _generate_dev_pair(key_path, cert_path)
        password = settings.SIGNING_KEY_PASSWORD
        signer = signers.SimpleSigner.load(
            str(key_path), str(cert_path), key_passphrase=password.encode() if password else None
        )
        if signer is None:
            raise ImproperlyConfigured(
                f"The signing key {key_path} or certificate {cert_path} could not be loaded."
            )
    certificate = signer.signing_cert
    signer.signed_attr_prov_spec = _pades_signed_attributes(certificate)
    # The CMS holds the certificates plus the signed attributes and the signature itself
    # (well under 4 KiB even for RSA-4096); hex doubles it.
    chain_bytes = sum(len(cert.dump()) for cert in signer.cert_registry) + len(certificate.dump())
    return SigningMaterial(
        signer=signer,
        certificate=certificate,
        fingerprint=hashlib.sha256(certificate.dump()).hexdigest(),
        bytes_reserved=2 * (chain_bytes + 4096),
    )


def _pades_signed_attributes(certificate):
    """The signed attributes pyHanko puts in a PAdES signature besides content-type and
    message-digest (which it always adds): only signing-certificate-v2 (ETSI EN 319 142-1
    5.2.2; no signing-time in PAdES). That attribute depends on the certificate alone and
    asn1crypto takes about 2.5 ms to build and encode it, so it is encoded once per process
    and read back from those bytes for each signature: the same attribute, byte for byte."""

    encoded = simple_cms_attribute(
        "signing_certificate_v2", as_signing_certificate_v2(certificate)
    ).dump()

    class SigningCertificateV2(CMSAttributeProvider):
        attribute_type = "signing_certificate_v2"

        async def get_attribute(self, dry_run=False):
            return cms.CMSAttribute.load(encoded)

    class PadesSignedAttributes(SignedAttributeProviderSpec):
        def signed_attr_providers(self, data_digest, digest_algorithm):
            yield SigningCertificateV2()

    return PadesSignedAttributes()


def signing_material() -> SigningMaterial:
    """The organization's signer, loaded once per process (and generated once per machine in
    development)."""
    material = _cached.get("material")
    if material is None:
        with _lock:
            material = _cached.get("material")
            if material is None:
                material = _load()
                _cached["material"] = material
    return material


@receiver(setting_changed)
def _signing_settings_changed(*, setting: str, **kwargs) -> None:
    """Forget the loaded signer when its settings change (Django sends this signal when
    settings are overridden, as tests do), so the next signature loads the new material."""
    if setting.startswith("SIGNING_"):
        _cached.clear()


def _outside_event_loop(function, *args, **kwargs):
    """pyHanko's synchronous API runs asyncio.run, which fails where an event loop already runs
    in this thread (an async view, Playwright's sync API): then it runs in a helper thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def pdf_sign(pdf: bytes, *, reason: str, signer_name: str, contact: str = "") -> bytes:
    """Sign `pdf` with a PAdES signature of the organization. The returned bytes are final."""
    return _outside_event_loop(
        _pdf_sign, pdf, reason=reason, signer_name=signer_name, contact=contact
    )


def _pdf_sign(pdf: bytes, *, reason: str, signer_name: str, contact: str) -> bytes:

    material = signing_material()
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        name=signer_name,
        contact_info=contact or None,
        location="California",
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    out = signers.PdfSigner(metadata, signer=material.signer).sign_pdf(
        writer, bytes_reserved=material.bytes_reserved
    )
    return out.getvalue()


def pdf_signature_check(pdf: bytes) -> SignatureCheck:
    """Check the last signature of `pdf` against our certificate. Never raises on a bad or
    foreign file: the answer says what is wrong."""
    return _outside_event_loop(_pdf_signature_check, pdf)


def _pdf_signature_check(pdf: bytes) -> SignatureCheck:

    def refused(problem: str, **flags) -> SignatureCheck:
        values = dict(
            signed=False,
            intact=False,
            valid=False,
            trusted=False,
            covers_whole_file=False,
            ours=False,
            signer_name="",
            problem=problem,
        )
        values.update(flags)
        return SignatureCheck(**values)

    material = signing_material()
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        embedded = reader.embedded_signatures
    except Exception as exc:  # anyone may upload anything: a broken file is an answer
        return refused(f"The file could not be read as a PDF ({exc}).")
    if not embedded:
        return refused("The file carries no digital signature.")
    signature = embedded[-1]
    context = ValidationContext(trust_roots=[material.certificate], allow_fetching=False)
    try:
        status = validate_pdf_signature(signature, signer_validation_context=context)
    except Exception as exc:  # pyHanko raises many kinds on malformed signatures
        return refused(f"The signature could not be checked ({exc}).", signed=True)
    signer_cert = status.signing_cert
    ours = signer_cert is not None and (
        hashlib.sha256(signer_cert.dump()).hexdigest() == material.fingerprint
    )
    signer_name = signer_cert.subject.human_friendly if signer_cert is not None else ""
    covers = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    check = SignatureCheck(
        signed=True,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        covers_whole_file=covers,
        ours=ours,
        signer_name=signer_name,
        problem="",
    )
    if not check.intact:
        problem = "The signed content was changed after signing."
    elif not check.valid:
        problem = "The signature does not match the signed content."
    elif not covers:
        problem = "The file was changed after it was signed (content was added after signing)."
    elif not check.trusted:
        problem = "The signature was not made with our organization's certificate."
    else:
        return check
    return SignatureCheck(**{**check.__dict__, "problem": problem})
