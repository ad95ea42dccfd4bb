"""benchmarks/guidance_sweep.py finds a DiffuLT run's generator and phi0 in
its stages folder, and refuses folders whose stages are not done."""
import pytest

from benchmarks.guidance_sweep import main, stage_files


def _stage(root, name, config, checkpoint, done=True):
    folder = root / name
    folder.mkdir(parents=True)
    (folder / config).write_text('# config\n')
    (folder / checkpoint).write_bytes(b'')
    (folder / 'last_checkpoint').write_text(str(folder / checkpoint))
    if done:
        (folder / 'stage_done.json').write_text('{}')
    return folder


def test_stage_files(tmp_path):
    gen = _stage(tmp_path, 'generator', 'unet.py', 'iter_2054.pth')
    phi0 = _stage(tmp_path, 'phi0', 'ce.py', 'epoch_30.pth')
    # The classifier-derived config a phi0 stage may write is not its own.
    (phi0 / 'phi0_as_trained.py').write_text('# derived\n')
    files = stage_files(str(tmp_path))
    assert files['generator'] == (str(gen / 'unet.py'),
                                  str(gen / 'iter_2054.pth'))
    assert files['phi0'] == (str(phi0 / 'ce.py'), str(phi0 / 'epoch_30.pth'))


def test_unfinished_stage_is_named(tmp_path):
    _stage(tmp_path, 'generator', 'unet.py', 'iter_10.pth', done=False)
    with pytest.raises(SystemExit, match='generator stage is not finished'):
        stage_files(str(tmp_path))


def test_negative_guidance_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(['--stages', str(tmp_path), '--guidance', '-1'])
    assert '--guidance' in capsys.readouterr().err
