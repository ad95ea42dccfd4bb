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
_base_ = ['./baselines/ce_resnet32_cifar100lt.py']

model = dict(head=dict(type='WeightedLinearClsHead'))

train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='DiffuLTDataset',
        dataset={{_base_.train_dataloader.dataset}},
        target=500,  # N_t (= the head class: a fully balanced proxy)
        synthetic_weight=0.3))  # omega

custom_hooks = [
    dict(
        type='DiffuLTSynthesisHook',
        phi0_config='{{fileDirname}}/baselines/ce_resnet32_cifar100lt.py',
        generator_config='{{fileDirname}}/diffusion/'
        'diffult-ddpm_unet_cifar100lt.py',
        # The paper names no sampler; the CBDM code it builds on samples
        # with 1000-step ancestral DDPM and CFG, w = 1.4 in its README for
        # this model (not confirmed by DiffuLT).
        sampler='ddpm',
        num_steps=1000,
        guidance_scale=1.4,
        sample_batch_size=500,
        filter=dict(type='DiffuLTFilter', d_f='per_class',
                    keep=('ID', 'AID'))),
    # Class priors of long-tail losses follow the proxy.
    dict(type='TrainClassCountsHook'),
]
