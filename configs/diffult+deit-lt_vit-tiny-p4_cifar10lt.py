# DiffuLT + DeiT-LT on CIFAR-10-LT IF100: the balanced proxy of
# diffult_resnet32_cifar10lt.py (same phi0, generator and bank) and the whole
# student / teacher recipe of baselines/deit-lt_vit-tiny-p4_cifar10lt.py
# (RandAugment, Mixup / CutMix, distillation on augmented images). Mixup /
# CutMix mix the DiffuLT weights with the targets
# (SampleWeightedClsDataPreprocessor). Give the teacher as for the baseline.
_base_ = [
    './baselines/deit-lt_vit-tiny-p4_cifar10lt.py',
    './_base_/diffult/cifar10lt.py',
]
data_preprocessor = dict(type='SampleWeightedClsDataPreprocessor')

train_dataloader = dict(dataset=dict(
    _delete_=True, dataset=_base_.train_dataloader.dataset,
    **_base_.diffult_proxy))

# The synthesis hook, then the classifier recipe's own hooks.
custom_hooks = [_base_.diffult_synthesis, *_base_.custom_hooks]
