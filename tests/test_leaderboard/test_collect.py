from mmengine.config import Config

from diffult_plugin.leaderboard.collect import _describe


def _cfg(**head):
    return Config(dict(
        model=dict(backbone=dict(type='ResNet_CIFAR_LT', depth=32),
                   head=dict(type='WeightedLinearClsHead', **head)),
        train_dataloader=dict(dataset=dict(type='CIFAR10LT',
                                           imbalance_factor=100)),
        train_cfg=dict(max_epochs=20), randomness=dict(seed=1)))


def test_a_test_time_correction_is_part_of_the_method_name():
    name = 'ce_resnet32_cifar10lt-jpg_cpu-20e'
    assert _describe(_cfg(), name)['method'] == 'CE'
    assert _describe(_cfg(posthoc_tau=0.0), name)['method'] == 'CE'
    corrected = _describe(_cfg(posthoc_tau=1.0), name)
    assert corrected['method'] == 'CE + post-hoc logit_adjust (tau 1)'
    assert corrected['seed'] == 1 and corrected['epochs'] == 20
    iif = _describe(_cfg(posthoc_tau=0.5, posthoc_type='iif'), name)
    assert iif['method'] == 'CE + post-hoc iif (tau 0.5)'
    # A config whose name already says so keeps its name.
    own = 'logit-adjust-posthoc_resnet32_cifar10lt'
    assert _describe(_cfg(posthoc_tau=1.0), own)['method'] == \
        'logit-adjust-posthoc'


def test_a_wrapped_long_tail_set_names_data_and_imbalance():
    cfg = _cfg()
    cfg.train_dataloader.dataset = dict(
        type='DiffuLTDataset', target=1000,
        dataset=dict(type='CIFAR100LT', imbalance_factor=50))
    row = _describe(cfg, 'diffult_resnet32_cifar10lt')
    assert row['dataset'] == 'CIFAR-100-LT'
    assert row['imbalance_factor'] == 50
    # LongTailDataset over an image folder: the factor is the wrapper's.
    cfg.train_dataloader.dataset = dict(
        type='DiffuLTDataset',
        dataset=dict(type='LongTailDataset', imbalance_factor=100,
                     dataset=dict(type='CustomDataset', data_root='x')))
    row = _describe(cfg, 'diffult_resnet32_cifar10lt-jpg_cpu')
    assert row['imbalance_factor'] == 100
    assert row['dataset'] == 'CIFAR-10-LT'


def test_a_posthoc_prior_other_than_the_real_one_is_named():
    cfg = _cfg(posthoc_tau=1.0)
    cfg.leaderboard = dict(posthoc_prior='real-over-train')
    name = 'diffult_resnet32_cifar10lt-jpg_cpu'
    assert _describe(cfg, name)['method'] == \
        'DiffuLT + post-hoc logit_adjust (tau 1), real-over-train prior'
    cfg.leaderboard = dict(posthoc_prior='real')
    assert _describe(cfg, name)['method'] == \
        'DiffuLT + post-hoc logit_adjust (tau 1)'
