# DiffuLT + APA / AGLU on CIFAR-100-LT IF100: the balanced proxy of
# diffult_resnet32_cifar100lt.py (same phi0, generator and bank) and the
# SE-ResNet-32 / AGLU / IIF recipe of baselines/aglu-se_resnet32_cifar100lt.py,
# without Mixup: Mixup mixes two images but each keeps one DiffuLT weight,
# so a real image mixed into a synthetic one would be down-weighted by omega
# (and the reverse). Hard-label CE weights every sample by its own omega.
_base_ = [
    './baselines/aglu-se_resnet32_cifar100lt.py',
    './_base_/diffult/cifar100lt.py',
]
model = dict(
    train_cfg=dict(_delete_=True),
    head=dict(loss=dict(_delete_=True, type='CrossEntropyLoss')))

train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='DiffuLTDataset',
        dataset={{_base_.train_dataloader.dataset}},
        target={{_base_.diffult_target}},
        synthetic_weight={{_base_.diffult_synthetic_weight}}))

custom_hooks = [
    {{_base_.diffult_synthesis}},
    dict(type='TrainClassCountsHook'),
]
