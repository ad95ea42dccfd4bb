# DiffuLT + MDCS, 3 experts (both loss terms weight synthetic samples by
# omega) on CIFAR-10-LT IF100: the balanced proxy of
# diffult_resnet32_cifar10lt.py (same phi0, generator and bank; synthetic
# images get the same weak and strong views) and the classifier recipe
# of baselines/mdcs_resnet32_cifar10lt.py.
_base_ = [
    './baselines/mdcs_resnet32_cifar10lt.py',
    './_base_/diffult/cifar10lt.py',
]

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
    dict(type='EpochStateHook'),
]
