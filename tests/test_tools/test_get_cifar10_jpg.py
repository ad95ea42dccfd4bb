"""tools/get_cifar10_jpg.sh leaves a complete CIFAR-10 image folder as it
is and never touches a folder that holds something else. (Its clone of the
pinned public copy needs GitHub, which tests do not reach.)"""
import os
import os.path as osp
import subprocess

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SCRIPT = osp.join(ROOT, 'tools', 'get_cifar10_jpg.sh')
CLASSES = ('airplane automobile bird cat deer dog frog horse ship '
           'truck').split()


def _tree(root, skip_one=False):
    for split, count in (('train', 5000), ('test', 1000)):
        for cls in CLASSES:
            folder = osp.join(root, split, cls)
            os.makedirs(folder)
            for i in range(count - (skip_one and cls == 'ship'
                                    and split == 'test')):
                open(osp.join(folder, f'{i:04d}.jpg'), 'w').close()


def _run(folder):
    return subprocess.run(['bash', SCRIPT, str(folder)], capture_output=True,
                          text=True, timeout=120)


def test_a_complete_folder_is_left_as_it_is(tmp_path):
    _tree(str(tmp_path / 'jpg'))
    proc = _run(tmp_path / 'jpg')
    assert proc.returncode == 0, proc.stderr
    assert 'already' in proc.stdout


def test_another_folder_is_never_touched(tmp_path):
    _tree(str(tmp_path / 'jpg'), skip_one=True)  # one test image short
    proc = _run(tmp_path / 'jpg')
    assert proc.returncode == 1
    assert 'is not the CIFAR-10 image folder' in proc.stderr
    assert len(os.listdir(tmp_path / 'jpg' / 'test' / 'ship')) == 999
    assert len(os.listdir(tmp_path / 'jpg' / 'train' / 'ship')) == 5000
    assert os.listdir(tmp_path) == ['jpg']  # nothing cloned beside it
