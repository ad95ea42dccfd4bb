# DiffuLT + meta-information: ResNet-32 with MetaFusionClsHead on the DiffuLT
# proxy of CIFAR-10-LT IF100 with SIMULATED metadata. The real images carry
# their metadata; the synthetic ones have none (meta_mask 0: the head sees
# the image alone, never a made-up place or date), weighted by omega in the
# loss. The stages (phi0, generator, bank) are the CPU DiffuLT ones
# (../_base_/diffult/cifar10lt-jpg_cpu.py); benchmarks/metadata_fusion.py
# points stages_dir at the CPU protocol's DiffuLT run so the bank is shared.
_base_ = [
    './resnet32-metafusion_cifar10lt-jpg-simmeta_cpu.py',
    '../_base_/diffult/cifar10lt-jpg_cpu.py',
]

train_dataloader = dict(dataset=dict(
    _delete_=True, dataset=_base_.train_dataloader.dataset,
    **_base_.diffult_proxy))

custom_hooks = [
    _base_.diffult_synthesis,
    dict(type='TrainClassCountsHook'),
]
