"""The organization's signature (SPEC sections 6 and 8): key loading or generation, PAdES signing,
and checking a signature against our certificate."""

import subprocess
from io import BytesIO

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.exceptions import ImproperlyConfigured

from reviews.letters import signing
from reviews.letters.signing import pdf_sign, pdf_signature_check, signing_material
from tests.factories import minimal_pdf


@pytest.fixture
def own_signing_dir(settings, tmp_path):
    """Signing material in a folder of this test only; the process's cached signer is reset
    before and after."""
    settings.SIGNING_PKCS12_PATH = ""
    settings.SIGNING_KEY_PATH = str(tmp_path / "signing" / "key.pem")
    settings.SIGNING_CERT_PATH = str(tmp_path / "signing" / "cert.pem")
    settings.SIGNING_KEY_PASSWORD = ""
    settings.SIGNING_DEV_CERTIFICATE = True
    yield tmp_path / "signing"


def _foreign_pair(common_name="Somebody Else"):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, common_name)])
    import datetime as dt

    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
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
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def test_a_development_ec_key_and_certificate_are_made_once_on_first_use(own_signing_dir):
    material = signing_material()

    key_pem = (own_signing_dir / "key.pem").read_bytes()
    key = serialization.load_pem_private_key(key_pem, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert key.curve.name == "secp256r1"
    assert (own_signing_dir / "key.pem").stat().st_mode & 0o077 == 0
    signing._cached.clear()  # as a new process would start
    assert signing_material().fingerprint == material.fingerprint  # loaded, not remade
    assert (own_signing_dir / "key.pem").read_bytes() == key_pem


def test_without_key_files_and_dev_certificates_off_signing_refuses(own_signing_dir, settings):
    settings.SIGNING_DEV_CERTIFICATE = False
    with pytest.raises(ImproperlyConfigured, match="No signing key"):
        signing_material()
    assert not (own_signing_dir / "key.pem").exists()


def test_production_loads_a_pkcs12_archive(own_signing_dir, settings, tmp_path):
    key, certificate = _foreign_pair("California IRO Signing")
    archive = pkcs12.serialize_key_and_certificates(
        b"iro",
        key,
        certificate,
        None,
        serialization.BestAvailableEncryption(b"s3cret"),
    )
    (tmp_path / "iro.p12").write_bytes(archive)
    settings.SIGNING_PKCS12_PATH = str(tmp_path / "iro.p12")
    settings.SIGNING_PKCS12_PASSWORD = "s3cret"

    signed = pdf_sign(minimal_pdf(), reason="test", signer_name="California IRO")
    check = pdf_signature_check(signed)

    assert check.ok and check.ours
    assert "California IRO Signing" in check.signer_name
    assert not (own_signing_dir / "key.pem").exists()  # no development key was made


def test_a_wrong_pkcs12_password_says_so(own_signing_dir, settings, tmp_path):
    key, certificate = _foreign_pair()
    archive = pkcs12.serialize_key_and_certificates(
        b"x", key, certificate, None, serialization.BestAvailableEncryption(b"right")
    )
    (tmp_path / "x.p12").write_bytes(archive)
    settings.SIGNING_PKCS12_PATH = str(tmp_path / "x.p12")
    settings.SIGNING_PKCS12_PASSWORD = "wrong"
    with pytest.raises(ImproperlyConfigured, match="could not be loaded"):
        signing_material()


def test_a_signed_pdf_is_valid_pades_and_pdfsig_agrees(own_signing_dir, tmp_path):
    signed = pdf_sign(minimal_pdf(), reason="Final Determination Letter", signer_name="IMR Desk")
    check = pdf_signature_check(signed)

    assert check.ok and check.ours and check.covers_whole_file
    assert check.problem == ""
    (tmp_path / "signed.pdf").write_bytes(signed)
    pdfsig = subprocess.run(
        ["pdfsig", str(tmp_path / "signed.pdf")], capture_output=True, text=True
    ).stdout
    assert "Signature Field Name: IMRDeskSignature" in pdfsig
    assert "Signature Type: ETSI.CAdES.detached" in pdfsig  # PAdES
    assert "Signature is Valid." in pdfsig
    assert "Total document signed" in pdfsig


def test_a_changed_byte_in_the_signed_content_is_caught(own_signing_dir):
    signed = bytearray(pdf_sign(minimal_pdf(), reason="r", signer_name="IMR Desk"))
    index = signed.index(b"/MediaBox")
    signed[index + 11 : index + 12] = b"9" if signed[index + 11 : index + 12] != b"9" else b"8"

    check = pdf_signature_check(bytes(signed))

    assert not check.ok
    assert not check.intact
    assert check.problem == "The signed content was changed after signing."


def test_content_appended_after_signing_is_caught(own_signing_dir):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    signed = pdf_sign(minimal_pdf(), reason="r", signer_name="IMR Desk")
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    writer.root["/PageMode"] = generic.NameObject("/UseOutlines")
    writer.update_root()
    out = BytesIO()
    writer.write(out)

    check = pdf_signature_check(out.getvalue())

    assert check.intact and check.valid
    assert not check.covers_whole_file
    assert not check.ok
    assert "changed after it was signed" in check.problem


def test_a_signature_by_another_certificate_is_not_ours(own_signing_dir, settings, tmp_path):
    signing_material()  # our own pair exists
    key, certificate = _foreign_pair()
    (tmp_path / "other-key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (tmp_path / "other-cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    ours = (settings.SIGNING_KEY_PATH, settings.SIGNING_CERT_PATH)
    settings.SIGNING_KEY_PATH = str(tmp_path / "other-key.pem")
    settings.SIGNING_CERT_PATH = str(tmp_path / "other-cert.pem")
    forged = pdf_sign(minimal_pdf(), reason="r", signer_name="IMR Desk")
    settings.SIGNING_KEY_PATH, settings.SIGNING_CERT_PATH = ours

    check = pdf_signature_check(forged)

    assert check.intact and check.valid
    assert not check.trusted and not check.ours and not check.ok
    assert check.problem == "The signature was not made with our organization's certificate."


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (minimal_pdf(), "The file carries no digital signature."),
        (b"%PDF-1.7\nnot really a pdf", "could not be read as a PDF"),
    ],
)
def test_unsigned_or_broken_files_are_answered_not_raised(own_signing_dir, content, problem):
    check = pdf_signature_check(content)
    assert not check.ok and not check.signed
    assert problem in check.problem
