# The main job of diffult-plugin: DiffuLT on CIFAR-100-LT IF100, ResNet-32
# (Shao et al., NeurIPS 2024; published 51.5 top-1, Table 7).
#
#   python tools/train.py configs/diffult_resnet32_cifar100lt.py
#
# runs every stage, each in its own folder of the work dir, skipped when done
# and resumed when interrupted:
#   phi0/       CE ResNet-32 on the LT set (BBN recipe, 200 epochs)
#   generator/  the paper's generator (L_DDPM + L_CBDM + L_AID, 500k iters)
#   bank/       N_t = 500 per class: 39,153 synthetic slots, phi0-filtered
#               (OOD dropped), written as hashed shards
#   synthesis/  filter statistics, class-count chart, kept/filtered grid
# then the classifier on the balanced proxy: weighted CE (omega = 0.3 on
# synthetic samples), BBN recipe. A GPU job: the generator alone is 500k
# iterations of a 35.7 M-parameter UNet. Give trained artifacts with
#   --cfg-options custom_hooks.0.phi0_checkpoint=... \
#                 custom_hooks.0.generator_checkpoint=...
# DiffuLT with other classifiers: diffult+<method>_resnet32_cifar100lt.py
# (this file is diffult+ce).
_base_ = [
    './baselines/ce_resnet32_cifar100lt.py',
    './_base_/diffult/cifar100lt.py',
]

model = dict(head=dict(type='WeightedLinearClsHead'))

train_dataloader = dict(dataset=dict(
    _delete_=True, dataset=_base_.train_dataloader.dataset,
    **_base_.diffult_proxy))

custom_hooks = [
    _base_.diffult_synthesis,
    # Class priors of long-tail losses follow the proxy.
    dict(type='TrainClassCountsHook'),
]
